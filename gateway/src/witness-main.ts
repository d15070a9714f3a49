import './fabric-logging';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { BlockFollower } from './fabric/block-follower';
import { BlockIndex } from './fabric/block-index';
import { ownBlocks, ownView } from './fabric/own-peer-view';
import { certificateHash, connectGateway, peerClient } from './fabric/peer-connection';
import { noteSigner } from '@audit-ledger/verifier';
import { Witness } from './transparency/witness';
import { createWitnessServer } from './transparency/witness-server';

const files = z.strictObject({ certPath: z.string().min(1), keyPath: z.string().min(1) });

/** What `network/` writes for each organisation's witness. */
const witnessConfig = z.strictObject({
  keyFile: z.string().min(1),
  stateDir: z.string().min(1),
  host: z.string().min(1),
  port: z.int().positive(),
  log: z.strictObject({ origin: z.string().min(1), verifierKey: z.string().min(1) }),
  fabric: z.strictObject({
    mspId: z.string().min(1),
    channel: z.string().min(1),
    peer: z.strictObject({ name: z.string().min(1), endpoint: z.string().min(1) }),
    tlsRootCertPath: z.string().min(1),
    tlsClient: files,
    identity: files,
  }),
});

/**
 * One organisation's checkpoint witness: it follows the channel from its own organisation's
 * peer, with its own identity, and cosigns a checkpoint only if the tree is the tree of the
 * blocks it holds and extends the last tree it cosigned. It also signs, for any block it holds,
 * the hashes of that block's envelopes: a proof bundle can then leave other transactions out.
 */
async function main(): Promise<void> {
  const configFile = process.argv[2];
  if (configFile === undefined) {
    throw new Error('usage: witness-main.js <witness.json>');
  }
  const config = witnessConfig.parse(JSON.parse(readFileSync(configFile, 'utf8')));
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const { fabric } = config;
  const client = peerClient(fabric.tlsRootCertPath, fabric.tlsClient, fabric.peer.endpoint);
  const gateway = connectGateway(
    { client, tlsCertificateHash: certificateHash(fabric.tlsClient.certPath) },
    {
      mspId: fabric.mspId,
      name: 'witness',
      certificatePem: readFileSync(fabric.identity.certPath, 'utf8'),
      privateKeyPem: readFileSync(fabric.identity.keyPath, 'utf8'),
    },
  );
  const index = new BlockIndex(join(config.stateDir, 'blocks.sqlite'));
  const follower = new BlockFollower(
    () => Promise.resolve(gateway.getNetwork(fabric.channel)),
    index,
    logger,
  );
  follower.start();
  const witness = await Witness.open(
    noteSigner(readFileSync(config.keyFile, 'utf8').trim()),
    config.log.verifierKey,
    join(config.stateDir, 'cosigned.json'),
    ownView(index, fabric.peer.name),
  );
  const server = createWitnessServer(
    witness,
    config.log.origin,
    ownBlocks(index, fabric.peer.name),
    logger,
  );
  server.listen(config.port, config.host, () => {
    logger.info(
      { witness: witness.name, peer: fabric.peer.name },
      `witness listening on http://${config.host}:${config.port}`,
    );
  });
  const stop = () => {
    server.close();
    void follower.stop().then(() => {
      gateway.close();
      client.close();
      index.close();
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
