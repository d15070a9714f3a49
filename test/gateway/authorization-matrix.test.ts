/**
 * Role × kind × operation, through the gateway: each role writes exactly the kinds it may, and
 * no read, list, trail, proof, verification or write lets a writer see another organisation's
 * entries — or learn that they exist. A hidden entry answers exactly as a missing one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROLES, standardKinds, type Role } from '../../chaincode/src/index.js';
import type { LedgerEntry, RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type HttpResult, type TestGateway } from '../support/gateway-server.js';
import { unique } from '../support/sample-entries.js';

/**
 * Every kind the ledger records, each written by the role its module names; a kind only a
 * transaction of its own records (an erasure, see erasure.test.ts) is not written here.
 */
type Kind = string;
const KINDS = standardKinds.kinds.filter(
  (kind) => standardKinds.find(kind, 1)?.recordedBy === undefined,
);
function writerOf(kind: Kind): Role {
  return standardKinds.find(kind, 1)?.writers[0] ?? 'regulator';
}

/** A request of `kind` from its module's first example. */
function build(kind: Kind, id: string) {
  return { kind, id, payload: standardKinds.find(kind, 1)?.examples[0]?.payload };
}

let gateway: TestGateway;
/** Lists look from this run's start: a Fabric ledger keeps earlier runs' entries of the same examples. */
const since = new Date(Date.now() - 1000).toISOString();
/** One committed entry of each kind, written by the role that may. */
const written = new Map<Kind, RecordedEntry>();
/** Ids of another entry of each kind, for other organisations to write under too. */
const reusable = new Map<Kind, string>();

function mayRead(role: Role, kind: Kind): boolean {
  return role === 'regulator' || role === writerOf(kind);
}

function request<Body>(role: Role, method: string, path: string, body?: unknown) {
  return gateway.request<Body>(method, path, { key: gateway.keys[role], body });
}

/** What the caller sees, without what differs on every call (a fresh cursor, say). */
function seen(response: HttpResult): unknown {
  return { status: response.status, body: response.body };
}

beforeAll(async () => {
  gateway = await startTestGateway();
  for (const kind of KINDS) {
    const sent = build(kind, unique(`matrix-${kind}`));
    const response = await request<RecordedEntry>(writerOf(kind), 'POST', '/v1/entries', sent);
    expect(response.status, response.text).toBe(201);
    written.set(kind, response.body);
    const decoy = build(kind, unique(`matrix-reused-${kind}`));
    expect((await request(writerOf(kind), 'POST', '/v1/entries', decoy)).status).toBe(201);
    reusable.set(kind, decoy.id);
  }
});

afterAll(async () => {
  await gateway.close();
});

function entryOf(kind: Kind): RecordedEntry {
  const entry = written.get(kind);
  if (entry === undefined) {
    throw new Error(`no ${kind} entry`);
  }
  return entry;
}

describe.each(ROLES.map((role) => [role] as const))('%s', (role) => {
  describe.each(KINDS.map((kind) => [kind] as const))('× %s', (kind) => {
    const allowed = role === writerOf(kind);

    test(`writes: single, batch and queued are ${allowed ? 'accepted' : 'refused with 403'}`, async () => {
      const single = await request(
        role,
        'POST',
        '/v1/entries',
        build(kind, unique(`m-w-${role}-${kind}`)),
      );
      expect(single.status).toBe(allowed ? 201 : 403);
      const batch = await request<{ results: { status: number }[] }>(
        role,
        'POST',
        '/v1/entries/batch',
        { entries: [build(kind, unique(`m-b-${role}-${kind}`))] },
      );
      expect(batch.body.results.map((result) => result.status)).toEqual([allowed ? 201 : 403]);
      const queued = await gateway.request('POST', '/v1/entries', {
        key: gateway.keys[role],
        body: build(kind, unique(`m-q-${role}-${kind}`)),
        headers: { prefer: 'respond-async' },
      });
      expect(queued.status).toBe(allowed ? 202 : 403);
    });

    test(`reading another's entry ${mayRead(role, kind) ? 'works' : 'answers exactly as for a missing one'}`, async () => {
      const entry = entryOf(kind);
      const missing = unique(`m-missing-${role}-${kind}`);
      const byId = await request(role, 'GET', `/v1/entries/${entry.id}`);
      const proof = await request(role, 'GET', `/v1/entries/${entry.id}/proof`);
      const verify = await request(role, 'POST', '/v1/verify', {
        kind,
        id: entry.id,
        payload: entry.payload,
      });
      if (mayRead(role, kind)) {
        expect(byId.status).toBe(200);
        expect(proof.status).toBe(200);
        expect(verify.body).toMatchObject({ verified: true });
        return;
      }
      expect(seen(byId)).toEqual(seen(await request(role, 'GET', `/v1/entries/${missing}`)));
      expect(seen(proof)).toEqual(seen(await request(role, 'GET', `/v1/entries/${missing}/proof`)));
      expect(seen(verify)).toEqual(
        seen(
          await request(role, 'POST', '/v1/verify', { kind, id: missing, payload: entry.payload }),
        ),
      );
    });

    test(`lists and trails ${mayRead(role, kind) ? 'hold the entry' : 'hold nothing, as for an unused value'}`, async () => {
      const entry = entryOf(kind);
      // No organisation writes another's kinds, so a partition holds one organisation's entries.
      const partitions = standardKinds.indexPartitions({
        ...entry,
        kindVersion: 1,
        payload: entry.payload,
      });
      for (const [index, value] of partitions) {
        const list = await request<{ items: LedgerEntry[]; nextCursor: string | null }>(
          role,
          'GET',
          `/v1/entries?${index}=${encodeURIComponent(value)}&from=${encodeURIComponent(since)}&limit=1`,
        );
        expect(list.status).toBe(200);
        if (mayRead(role, kind)) {
          expect(list.body.items.length).toBe(1);
        } else {
          expect(list.body).toEqual({ items: [], nextCursor: null });
        }
      }
      const trail = await request<{ entries: number }>(
        role,
        'GET',
        `/v1/trails/verify?source=${encodeURIComponent(entry.source)}`,
      );
      expect(trail.status).toBe(200);
      if (!mayRead(role, kind)) {
        expect(trail.body.entries).toBe(0);
      }
    });

    test(`the overview counts ${mayRead(role, kind) ? 'the entry' : 'nothing of the kind'}`, async () => {
      const counts = await request<{ days: { counts: Record<string, number> }[] }>(
        role,
        'GET',
        '/v1/statistics/entries-per-day?days=31',
      );
      expect(counts.status).toBe(200);
      const total = counts.body.days.reduce((sum, day) => sum + (day.counts[kind] ?? 0), 0);
      if (mayRead(role, kind)) {
        expect(total).toBeGreaterThan(0);
      } else {
        expect(total).toBe(0);
      }
    });
  });
});

describe.each([
  ['sandbox-writer', 'data-access'] as const,
  ['credit-writer', 'credit-change'] as const,
  ['regulator', 'finding-closure'] as const,
])('%s writing under an id another organisation used', (role, kind) => {
  test('is answered as for an unused id: ids are each organisation’s own', async () => {
    const others = KINDS.filter((other) => writerOf(other) !== role);
    for (const other of others) {
      const taken = await request(
        role,
        'POST',
        '/v1/entries',
        build(kind, reusable.get(other) ?? ''),
      );
      const unused = await request(
        role,
        'POST',
        '/v1/entries',
        build(kind, unique(`m-unused-${role}-${other}`)),
      );
      expect([taken.status, unused.status]).toEqual([201, 201]);
    }
  });
});
