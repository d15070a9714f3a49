/**
 * What the embedded ledger does when someone edits its SQLite file behind its back: every read,
 * verification and trail check refuses the forged entry. (On Fabric the state lives in each
 * organisation's peer; proofs from its blocks are the check there.)
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { canonicalJson, entryDigest } from '../../chaincode/src/index.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import type { TrailReport } from '../../gateway/src/trail-check.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { dataAccess } from '../support/sample-entries.js';

interface VerifyBody {
  verified: boolean;
  reason?: string;
}

let gateway: TestGateway;

async function record(key: string, request: unknown): Promise<LedgerEntry> {
  const response = await gateway.request<LedgerEntry>('POST', '/v1/entries', {
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
      const key = Buffer.from(`entry\u0000${id}`, 'utf8');
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
      expect.objectContaining({ kind: 'state', where: JSON.stringify(`entry\u0000${id}`) }),
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
    const key = Buffer.from(`entry\u0000${edited}`);
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
