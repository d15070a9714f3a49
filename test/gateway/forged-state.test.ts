/**
 * What the embedded ledger does when someone edits its SQLite file behind its back: every read,
 * verification and trail check refuses the forged entry. (On Fabric the state lives in each
 * organisation's peer; proofs from its blocks are the check there.)
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { canonicalJson, entryDigest } from '../../chaincode/src/index.js';
import pino from 'pino';
import { loadConfig } from '../../gateway/src/config.js';
import {
  dataHashOf,
  headerHashOf,
  sha256Hex,
  type TransactionRecord,
} from '../../verifier/src/embedded/block-log.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import { openGateway } from '../../gateway/src/gateway.js';
import { runGatewayProgram } from '../support/processes.js';
import type { LedgerEntry, RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import type { TrailReport } from '../../gateway/src/services/trail-check.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { dataAccess } from '../support/sample-entries.js';

interface VerifyBody {
  verified: boolean;
  reason?: string;
}

let gateway: TestGateway;

async function record(key: string, request: unknown): Promise<RecordedEntry> {
  const response = await gateway.request<RecordedEntry>('POST', '/v1/entries', {
    key,
    body: request,
  });
  expect(response.status).toBe(201);
  return response.body;
}

function verify(key: string, body: unknown) {
  return gateway.request<VerifyBody>('POST', '/v1/verify', { key, body });
}

async function write(sourceSeq: number): Promise<string> {
  return (await record(gateway.keys['sandbox-writer'], dataAccess({ sourceSeq }))).id;
}

function verifyTrail(query: string) {
  return gateway.request<TrailReport>('GET', `/v1/trails/verify?${query}`, {
    key: gateway.keys.regulator,
  });
}

describe('a forged world-state value', () => {
  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.close();
  });

  /** Rewrites the stored entry through a second SQLite connection, committed on return. */
  function forge(id: string, change: (entry: LedgerEntry) => unknown): void {
    const db = new Database(join(gateway.dataDir, 'ledger.sqlite'));
    try {
      const key = Buffer.from(`entry\u0000${id}\u0000SandboxOrg`, 'utf8');
      const row = db
        .prepare<[Buffer], { value: Buffer }>('SELECT value FROM state WHERE key = ?')
        .get(key);
      expect(row).toBeDefined();
      const stored = JSON.parse(row?.value.toString('utf8') ?? '') as LedgerEntry;
      expect(stored.id).toBe(id);
      const forged = Buffer.from(canonicalJson(change(stored)), 'utf8');
      const result = db
        .prepare<[Buffer, Buffer]>('UPDATE state SET value = ? WHERE key = ?')
        .run(forged, key);
      expect(result.changes).toBe(1);
    } finally {
      db.close();
    }
  }

  function integrityProblems(): { kind: string; where: string }[] {
    const store = new LedgerStore(join(gateway.dataDir, 'ledger.sqlite'));
    try {
      return store.checkIntegrity().problems;
    } finally {
      store.close();
    }
  }

  async function expectForgeryRefused(
    id: string,
    original: unknown,
    forgedRequest: unknown,
  ): Promise<void> {
    const sandboxKey = gateway.keys['sandbox-writer'];
    for (const [key, body] of [
      [sandboxKey, original],
      [sandboxKey, forgedRequest],
      [gateway.keys.regulator, forgedRequest],
    ] as const) {
      const response = await verify(key, body);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ verified: false, reason: 'LEDGER_INTEGRITY' });
    }

    for (const key of [sandboxKey, gateway.keys.regulator]) {
      const read = await gateway.request<ErrorBody>('GET', `/v1/entries/${id}`, { key });
      expect(read.status).toBe(500);
      expect(read.body.error.code).toBe('LEDGER_INTEGRITY');
      expect(read.text).not.toContain('forged-user');
    }

    expect(integrityProblems()).toContainEqual(
      expect.objectContaining({
        kind: 'state',
        where: JSON.stringify(`entry\u0000${id}\u0000SandboxOrg`),
      }),
    );
  }

  test('untouched, the same checks pass', async () => {
    const request = dataAccess();
    await record(gateway.keys['sandbox-writer'], request);
    expect((await verify(gateway.keys.regulator, request)).body.verified).toBe(true);
    expect(integrityProblems()).toEqual([]);
  });

  test('a changed payload with the old digest is LEDGER_INTEGRITY', async () => {
    const request = dataAccess();
    const entry = await record(gateway.keys['sandbox-writer'], request);
    const forgedPayload = {
      ...request.payload,
      actor: { ...request.payload.actor, user: 'forged-user' },
    };
    forge(request.id, (stored) => ({ ...stored, payload: forgedPayload }));

    await expectForgeryRefused(request.id, request, { ...request, payload: forgedPayload });
    expect(entryDigest({ ...request, payload: forgedPayload })).not.toBe(entry.digest);
  });

  test('an entry forged after it was read is still LEDGER_INTEGRITY on the next read', async () => {
    const request = dataAccess();
    await record(gateway.keys['sandbox-writer'], request);
    const before = await gateway.request('GET', `/v1/entries/${request.id}`, {
      key: gateway.keys.regulator,
    });
    expect(before.status).toBe(200);
    const forgedPayload = {
      ...request.payload,
      actor: { ...request.payload.actor, user: 'forged-user' },
    };
    forge(request.id, (stored) => ({ ...stored, payload: forgedPayload }));

    await expectForgeryRefused(request.id, request, { ...request, payload: forgedPayload });
  });

  test('a changed payload with a recomputed, matching digest is LEDGER_INTEGRITY', async () => {
    const request = dataAccess();
    const entry = await record(gateway.keys['sandbox-writer'], request);
    const forgedPayload = {
      ...request.payload,
      actor: { ...request.payload.actor, user: 'forged-user' },
    };
    const forgedDigest = entryDigest({
      kind: request.kind,
      id: request.id,
      payload: forgedPayload,
    });
    expect(forgedDigest).not.toBe(entry.digest);
    forge(request.id, (stored) => ({ ...stored, payload: forgedPayload, digest: forgedDigest }));

    await expectForgeryRefused(request.id, request, { ...request, payload: forgedPayload });
  });

  test('the listing does not serve a forged entry either', async () => {
    const request = dataAccess();
    const entry = await record(gateway.keys['sandbox-writer'], request);
    const forgedPayload = {
      ...request.payload,
      actor: { ...request.payload.actor, user: 'forged-user' },
    };
    forge(request.id, (stored) => ({
      ...stored,
      payload: forgedPayload,
      digest: entryDigest({ kind: request.kind, id: request.id, payload: forgedPayload }),
    }));

    const listed = await gateway.request(
      'GET',
      `/v1/entries?stream=${encodeURIComponent(entry.stream)}`,
      {
        key: gateway.keys.regulator,
      },
    );
    expect(listed.text).not.toContain('forged-user');
  });

  test('an entry edited in the database makes the trail fail its integrity check', async () => {
    await write(1);
    const edited = await write(2);
    const db = new Database(join(gateway.dataDir, 'ledger.sqlite'));
    const key = Buffer.from(`entry\u0000${edited}\u0000SandboxOrg`);
    const row = db
      .prepare<[Buffer], { value: Buffer }>('SELECT value FROM state WHERE key = ?')
      .get(key);
    db.prepare('UPDATE state SET value = ? WHERE key = ?').run(
      Buffer.from((row?.value.toString('utf8') ?? '').replace('"train"', '"query"')),
      key,
    );
    db.close();

    const response = await verifyTrail(
      `source=${encodeURIComponent(gateway.sourceOf('sandbox-writer'))}`,
    );
    expect(response.body.complete).toBe(false);
    expect(response.body.ledgerIntegrity).toEqual({
      ok: false,
      message: expect.stringContaining(edited) as unknown,
    });
  });
});

/**
 * Rewrites an entry the way a careful forger with the SQLite file would: the value, the hash
 * its transaction recorded, that block's data and header hashes, and the chain through every
 * later block — everything but the signatures, which need keys.
 */
function rewriteConsistently(dataDir: string, id: string, edit: (value: string) => string): void {
  const db = new Database(join(dataDir, 'ledger.sqlite'));
  try {
    const key = Buffer.from(`entry\u0000${id}\u0000SandboxOrg`);
    const row = db
      .prepare<[Buffer], { value: Buffer }>('SELECT value FROM state WHERE key = ?')
      .get(key);
    const forged = edit(row?.value.toString('utf8') ?? '');
    db.prepare('UPDATE state SET value = ? WHERE key = ?').run(Buffer.from(forged), key);
    const blocks = db
      .prepare<[], { number: number; previous_hash: string; data: string }>(
        'SELECT number, previous_hash, data FROM blocks ORDER BY number',
      )
      .all();
    const update = db.prepare(
      'UPDATE blocks SET previous_hash = ?, data_hash = ?, header_hash = ? WHERE number = ?',
    );
    const updateData = db.prepare('UPDATE blocks SET data = ? WHERE number = ?');
    let previousHash: string | undefined;
    for (const block of blocks) {
      const transactions = JSON.parse(block.data) as TransactionRecord[];
      for (const transaction of transactions) {
        for (const write of transaction.writes) {
          if (write.key === `entry\u0000${id}\u0000SandboxOrg`) {
            write.valueSha256 = sha256Hex(forged);
          }
        }
      }
      updateData.run(JSON.stringify(transactions), block.number);
      const header = {
        number: block.number,
        previousHash: previousHash ?? block.previous_hash,
        dataHash: dataHashOf(transactions),
      };
      previousHash = headerHashOf(header);
      update.run(header.previousHash, header.dataHash, previousHash, block.number);
    }
  } finally {
    db.close();
  }
}

describe('a ledger rewritten consistently, without the signers’ keys', () => {
  test('fails npm run integrity on signatures and checkpoints, and /v1/verify', async () => {
    const forgery = await startTestGateway();
    try {
      const request = dataAccess({}, { action: 'train' });
      const written = await forgery.request<LedgerEntry>('POST', '/v1/entries', {
        key: forgery.keys['sandbox-writer'],
        body: request,
      });
      expect(written.status).toBe(201);
      // A checkpoint, cosigned by the witnesses, covers the honest block.
      const checkpoint = await forgery.request('GET', '/v1/checkpoints/latest', {
        key: forgery.keys.regulator,
      });
      expect(checkpoint.status).toBe(200);
      await forgery.ledger.close();

      const honest = await runGatewayProgram('integrity-cli.js', [], { DATA_DIR: forgery.dataDir });
      expect(honest.stdout).toMatch(/signatures checked against .*trust\.json/);
      expect(honest.stdout).toMatch(/cosigned by witness-/);
      expect(honest.code).toBe(0);

      const forgedPayload = { ...request.payload, action: 'query' };
      rewriteConsistently(forgery.dataDir, request.id, (value) => {
        const entry = JSON.parse(value) as LedgerEntry;
        const changed = { ...entry, payload: forgedPayload };
        return canonicalJson({ ...changed, digest: entryDigest(changed) });
      });
      // The hash checks alone pass now: only signatures and witnesses can tell.
      const store = new LedgerStore(join(forgery.dataDir, 'ledger.sqlite'), { readOnly: true });
      expect(store.checkIntegrity().problems).toEqual([]);
      store.close();

      const caught = await runGatewayProgram('integrity-cli.js', [], { DATA_DIR: forgery.dataDir });
      expect(caught.code).toBe(1);
      expect(caught.stdout).toMatch(/signature block \d+ transaction \w+: endorsement signature/);
      expect(caught.stdout).toMatch(/signature block \d+: orderer signature/);
      expect(caught.stdout).toMatch(
        /checkpoint witness-\w+: the first \d+ blocks are not the tree it cosigned/,
      );

      // A gateway started on the rewritten file does not call the forged entry verified.
      const reopened = await openGateway(
        loadConfig({ DATA_DIR: forgery.dataDir, PORT: '0' }),
        pino({ level: 'silent' }),
      );
      const server = createServer(reopened.app);
      try {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        const keys = JSON.parse(
          await readFile(join(forgery.dataDir, 'dev-keys.json'), 'utf8'),
        ) as Record<string, string>;
        const response = await fetch(`http://127.0.0.1:${port}/v1/verify`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${keys.regulator ?? ''}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ kind: request.kind, id: request.id, payload: forgedPayload }),
        });
        const outcome = (await response.json()) as VerifyBody & { message?: string };
        expect(outcome).toMatchObject({ verified: false, reason: 'LEDGER_INTEGRITY' });
        expect(outcome.message).toMatch(/endorsement signature/);
      } finally {
        server.closeAllConnections();
        server.close();
        await reopened.close();
      }
    } finally {
      await forgery.close().catch(() => undefined);
    }
  });
});
