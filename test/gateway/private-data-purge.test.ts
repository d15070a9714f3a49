import { createHash, verify } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { standardConsortium } from '../../chaincode/src/index.js';
import type { Simulation, Simulator } from '../../gateway/src/embedded/contract-runner.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import {
  TransactionCommitter,
  type CommitRequest,
} from '../../gateway/src/embedded/transaction-committer.js';
import {
  TransactionStub,
  type Proposal,
  type StateReader,
  type TransientData,
} from '../../gateway/src/embedded/transaction-stub.js';
import { endorsedResultBytes } from '../../verifier/src/signed-payloads.js';
import { testIdentities, type TestIdentities } from '../support/identities.js';

const COLLECTION = 'credit-details';
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

type Operation = (stub: TransactionStub, args: string[]) => Promise<string>;

/**
 * A contract of a few lines, run through the embedded ledger's own stub and committer: it keeps
 * transient details privately, then deletes or purges them.
 */
const operations: Record<string, Operation> = {
  async Keep(stub, [key = '']) {
    const details = stub.getTransient().get('details');
    if (details === undefined) {
      throw new Error('no details');
    }
    await stub.putPrivateData(COLLECTION, key, details);
    await stub.putState('kept', Buffer.from('yes'));
    return 'kept';
  },
  async Purge(stub, [key = '']) {
    await stub.purgePrivateData(COLLECTION, key);
    await stub.deleteState('kept');
    return 'purged';
  },
  async Delete(stub, [key = '']) {
    await stub.deletePrivateData(COLLECTION, key);
    return 'deleted';
  },
};

const tinyContract: Simulator = {
  async simulate(state: StateReader, proposal: Proposal): Promise<Simulation> {
    const stub = new TransactionStub(state, proposal, standardConsortium);
    const operation = operations[proposal.fcn];
    try {
      if (operation === undefined) {
        throw new Error(`no operation ${proposal.fcn}`);
      }
      const payload = await operation(stub, proposal.args);
      return {
        ok: true,
        payload,
        writes: stub.writes,
        privateWrites: stub.privateWrites,
        event: stub.event,
      };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  },
};

let identities: TestIdentities;
beforeAll(async () => {
  identities = await testIdentities();
});

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function openLedger() {
  const folder = await mkdtemp(join(tmpdir(), 'private-data-'));
  folders.push(folder);
  const file = join(folder, 'ledger.sqlite');
  const store = new LedgerStore(file);
  const committer = new TransactionCommitter(store, undefined, tinyContract);
  let transactions = 0;
  const commit = async (fcn: string, key: string, transient?: TransientData) => {
    transactions += 1;
    const request: CommitRequest = {
      fcn,
      args: [key],
      txId: sha256(`tx ${transactions}`),
      timestamp: { seconds: 1_780_000_000 + transactions, nanos: 0 },
      creator: identities.creditWriter,
      endorsers: [identities.regulator],
      orderer: identities.regulator,
      transient,
    };
    const outcome = await committer.commit(request);
    if (!outcome.ok) {
      throw new Error(outcome.message);
    }
    return outcome.blockNumber;
  };
  return { file, store, commit };
}

/** Which of the ledger's files hold `marker` anywhere in their raw bytes. */
function filesHolding(file: string, marker: string): string[] {
  return ['', '-wal', '-shm']
    .map((suffix) => `${file}${suffix}`)
    .filter((path) => existsSync(path) && readFileSync(path).includes(Buffer.from(marker)))
    .map((path) => path.slice(file.length) || 'ledger.sqlite');
}

test('transient data reaches the contract but no stored byte, not even as a hash', async () => {
  const { file, store, commit } = await openLedger();
  const transientOnly = 'TRANSIENT-ONLY-3f9c1a';
  const details = '{"limit":"DETAILS-7d2e"}';
  const number = await commit('Keep', 'subject-a', { details, note: transientOnly });

  expect(Buffer.from(store.getPrivate(COLLECTION, 'subject-a') ?? [])).toEqual(
    Buffer.from(details),
  );
  expect(filesHolding(file, transientOnly)).toEqual([]);
  expect(filesHolding(file, sha256(transientOnly))).toEqual([]);
  expect(JSON.stringify(store.block(number))).not.toContain(transientOnly);
  store.close();
  expect(filesHolding(file, transientOnly)).toEqual([]);
});

test('a block records private writes as key and value hashes only, covered by the endorsements', async () => {
  const { store, commit } = await openLedger();
  const details = '{"limit":"DETAILS-91ab"}';
  const kept = store.block(await commit('Keep', 'subject-b', { details }));
  const purged = store.block(await commit('Purge', 'subject-b'));
  const deleted = store.block(await commit('Delete', 'never-written'));

  const record = kept?.transactions[0];
  expect(record?.privateWrites).toEqual([
    {
      collection: COLLECTION,
      writes: [{ keySha256: sha256('subject-b'), valueSha256: sha256(details) }],
    },
  ]);
  expect(record?.writes).toEqual([{ key: 'kept', valueSha256: sha256('yes') }]);
  expect(purged?.transactions[0]?.privateWrites).toEqual([
    {
      collection: COLLECTION,
      writes: [{ keySha256: sha256('subject-b'), isDelete: true, isPurge: true }],
    },
  ]);
  expect(purged?.transactions[0]?.writes).toEqual([{ key: 'kept', isDelete: true }]);
  expect(deleted?.transactions[0]?.privateWrites).toEqual([
    { collection: COLLECTION, writes: [{ keySha256: sha256('never-written'), isDelete: true }] },
  ]);
  for (const block of [kept, purged, deleted]) {
    expect(JSON.stringify(block)).not.toMatch(/subject-b|never-written|DETAILS-91ab/);
  }

  // The regulator's peer endorsed the hashed private writes: changing them breaks its signature.
  const [endorsement] = record?.endorsements ?? [];
  if (record === undefined || endorsement === undefined) {
    throw new Error('the transaction was not endorsed');
  }
  const signature = Buffer.from(endorsement.signature, 'base64');
  const certificate = identities.regulator.certificatePem;
  expect(verify('sha256', endorsedResultBytes(record), certificate, signature)).toBe(true);
  const altered = { ...record, privateWrites: [] };
  expect(verify('sha256', endorsedResultBytes(altered), certificate, signature)).toBe(false);
  store.close();
});

test.each([
  { operation: 'Purge', size: 'small', repeat: 1, checkpointed: false },
  { operation: 'Purge', size: 'larger than a page', repeat: 600, checkpointed: false },
  { operation: 'Purge', size: 'checkpointed', repeat: 1, checkpointed: true },
  { operation: 'Delete', size: 'small', repeat: 1, checkpointed: false },
])(
  '$operation of a $size private value removes it from the table and from the bytes of ledger.sqlite and its log',
  async ({ operation, repeat, checkpointed }) => {
    const { file, store, commit } = await openLedger();
    // A reader on its own connection, as the gateway's thread keeps one beside the committer's.
    const reader = new LedgerStore(file);
    const marker = `CREDIT-MARKER-${operation}-${repeat}-`;
    const details = marker.repeat(repeat);
    await commit('Keep', 'subject-c', { details });
    await commit('Keep', 'subject-d', { details: 'another subject, kept' });
    expect(Buffer.from(reader.getPrivate(COLLECTION, 'subject-c') ?? []).toString()).toBe(details);
    if (checkpointed) {
      // As SQLite's automatic checkpoints do: the value is copied into the database file.
      const db = new Database(file);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    }
    // The scan finds what is there.
    expect(filesHolding(file, marker)).toEqual(checkpointed ? ['ledger.sqlite'] : ['-wal']);

    await commit(operation, 'subject-c');

    expect(store.getPrivate(COLLECTION, 'subject-c')).toBeUndefined();
    expect(reader.getPrivate(COLLECTION, 'subject-c')).toBeUndefined();
    expect(reader.privateKeysInRange(COLLECTION, '', '')).toEqual(['subject-d']);
    expect(filesHolding(file, marker)).toEqual([]);
    expect(statSync(`${file}-wal`).size).toBe(0);
    reader.close();
    store.close();
    expect(filesHolding(file, marker)).toEqual([]);
  },
);

test('checkIntegrity passes after purges and deletes, and reports private values no block recorded as they are', async () => {
  const { file, store, commit } = await openLedger();
  await commit('Keep', 'subject-e', { details: 'e' });
  await commit('Keep', 'subject-f', { details: 'f' });
  await commit('Keep', 'subject-g', { details: 'g' });
  await commit('Purge', 'subject-e');
  await commit('Delete', 'subject-f');
  expect(store.checkIntegrity()).toEqual({
    height: 5,
    stateKeys: 0,
    privateKeys: 1,
    problems: [],
  });
  store.close();

  const db = new Database(file);
  db.prepare("UPDATE private_state SET value = ? WHERE key = CAST('subject-g' AS BLOB)").run(
    Buffer.from('forged'),
  );
  const insert = db.prepare(
    'INSERT INTO private_state (collection, key, value) VALUES (?, CAST(? AS BLOB), ?)',
  );
  insert.run(COLLECTION, 'subject-e', Buffer.from('back from the purge'));
  insert.run(COLLECTION, 'subject-h', Buffer.from('never written'));
  db.close();

  const reopened = new LedgerStore(file, { readOnly: true });
  const where = (key: string) => `${COLLECTION} key sha256:${sha256(key)}`;
  const report = reopened.checkIntegrity();
  expect(report.privateKeys).toBe(3);
  expect(report.problems).toEqual(
    expect.arrayContaining([
      {
        kind: 'state',
        where: where('subject-g'),
        message: 'value differs from what its block recorded',
      },
      {
        kind: 'state',
        where: where('subject-e'),
        message: 'a block deleted this key, yet it holds a value',
      },
      { kind: 'state', where: where('subject-h'), message: 'no block wrote this key' },
    ]),
  );
  expect(report.problems).toHaveLength(3);
  reopened.close();

  const emptied = new Database(file);
  emptied.prepare('DELETE FROM private_state').run();
  emptied.close();
  const missing = new LedgerStore(file, { readOnly: true });
  expect(missing.checkIntegrity().problems).toEqual([
    { kind: 'state', where: where('subject-g'), message: 'recorded write is missing' },
  ]);
  missing.close();
});

test('a ledger from before private data opens read-only, unchanged, with no private keys', async () => {
  const { file, store, commit } = await openLedger();
  await commit('Delete', 'absent');
  store.close();
  const db = new Database(file);
  db.exec('DROP TABLE private_state');
  db.close();

  const old = new LedgerStore(file, { readOnly: true });
  expect(old.getPrivate(COLLECTION, 'absent')).toBeUndefined();
  expect(old.checkIntegrity()).toEqual({ height: 1, stateKeys: 0, privateKeys: 0, problems: [] });
  old.close();
  const tables = new Database(file, { readonly: true });
  expect(
    tables.prepare("SELECT name FROM sqlite_schema WHERE name = 'private_state'").all(),
  ).toEqual([]);
  tables.close();
});
