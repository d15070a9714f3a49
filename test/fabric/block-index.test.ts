/**
 * The gateway's block index follows the channel from block 0, checking that every block's
 * previous_hash names the header before it: on a real chain, with Fabric's own header hashes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { expect, it } from 'vitest';
import { loadConfig } from '../../gateway/src/config.js';
import { BlockIndex } from '../../gateway/src/fabric/block-index.js';
import { openLedger } from '../../gateway/src/open-ledger.js';
import { peerName } from '../../network/topology.js';
import { networkStatus } from './network.js';

it("indexes the whole chain the peers hold, each block's header chained to the one before", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-block-index-'));
  const config = loadConfig({
    LEDGER: 'fabric',
    FABRIC_DEVELOPMENT: 'true',
    FABRIC_CONNECTION: resolve(__dirname, '../../network/.state/connection.json'),
    DATA_DIR: dataDir,
  });
  const { ledger } = await openLedger(config, pino({ level: 'silent' }));
  const reader = new BlockIndex(join(dataDir, 'fabric-blocks.sqlite'));
  try {
    const peerHeight = (await networkStatus()).get(peerName('SandboxOrg'))?.height ?? 0;
    expect(peerHeight).toBeGreaterThan(1);
    const deadline = Date.now() + 60_000;
    while (reader.height() < peerHeight && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 200));
    }
    // Every block was accepted, so each previous_hash matched the hash computed for the block
    // before it (a mismatch stops the index at that block).
    expect(reader.height()).toBeGreaterThanOrEqual(peerHeight);
    expect(reader.headerHashes()).toHaveLength(reader.height());
  } finally {
    reader.close();
    await ledger.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
