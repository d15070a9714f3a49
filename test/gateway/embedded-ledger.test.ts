import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import type { EntryRequest } from '../../chaincode/src/index.js';
import {
  dataHashOf,
  headerHashOf,
  sha256Hex,
  type Block,
} from '../../verifier/src/embedded/block-log.js';
import { EmbeddedLedger } from '../../gateway/src/embedded/embedded-ledger.js';
import { LedgerStore, type IntegrityProblem } from '../../gateway/src/embedded/ledger-store.js';
import { standardConsortium } from '../../chaincode/src/index.js';
import { IdentityDirectory } from '../../gateway/src/identity/identity-directory.js';
import { issueClientIdentity } from '../../gateway/src/identity/x509-identities.js';
import { LedgerError, type LedgerEntry, type Principal } from '../../gateway/src/ledger/ledger.js';
import { algorithmUpload, creditChange, dataAccess } from '../support/sample-entries.js';

const SANDBOX: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };
const CREDIT: Principal = { name: 'credit-system', role: 'credit-writer' };
const REGULATOR: Principal = { name: 'district-regulator', role: 'regulator' };

const ZERO_HASH = '0000000000000000000000000000000000000000000000000000000000000000';
const ALL_KEYS: [string, string] = ['', '\u{10FFFF}'];

const asRequest = (request: { kind: string; id: string }) => request as EntryRequest;

interface Opened {
  folder: string;
  file: string;
  store: LedgerStore;
  identities: IdentityDirectory;
  ledger: EmbeddedLedger;
}

const folders: string[] = [];
const open: EmbeddedLedger[] = [];

afterEach(async () => {
  for (const ledger of open.splice(0)) {
    await ledger.close();
  }
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function newFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'embedded-ledger-'));
  folders.push(folder);
  return folder;
}

/** The ledger in `folder`, as the gateway opens it: SQLite file plus identity directory. */
async function openLedger(folder: string): Promise<Opened> {
  const file = join(folder, 'ledger.sqlite');
  const store = new LedgerStore(file);
  const identities = await IdentityDirectory.open(join(folder, 'identities'));
  const ledger = new EmbeddedLedger(store, identities, standardConsortium);
  open.push(ledger);
  return { folder, file, store, identities, ledger };
}

async function closeLedger(opened: Opened): Promise<void> {
  await opened.ledger.close();
  open.splice(open.indexOf(opened.ledger), 1);
}

function blocksOf(store: LedgerStore): Block[] {
  const blocks: Block[] = [];
  for (let number = 0; number < store.height(); number += 1) {
    const block = store.block(number);
    if (block === undefined) {
      throw new Error(`block ${number} is missing`);
    }
    blocks.push(block);
  }
  return blocks;
}

/** Every world-state key and value. */
function stateOf(store: LedgerStore): Map<string, string> {
  return new Map(
    store
      .keysInRange(...ALL_KEYS, 100_000)
      .map((key) => [key, Buffer.from(store.get(key) ?? []).toString('hex')]),
  );
}

/** Runs SQL against the ledger file through a second connection, committed on return. */
function tamper(file: string, edit: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    edit(db);
  } finally {
    db.close();
  }
}

async function expectLedgerError(promise: Promise<unknown>, code: string): Promise<LedgerError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LedgerError);
  expect((error as LedgerError).code).toBe(code);
  return error as LedgerError;
}

/** Four blocks: three single entries and one batch of two. */
async function populated(): Promise<Opened & { entries: LedgerEntry[] }> {
  const opened = await openLedger(await newFolder());
  const { ledger } = opened;
  const entries = [
    await ledger.recordEntry(SANDBOX, asRequest(dataAccess())),
    await ledger.recordEntry(SANDBOX, asRequest(algorithmUpload())),
    await ledger.recordEntry(CREDIT, asRequest(creditChange())),
    ...(await ledger.recordEntries(SANDBOX, [asRequest(dataAccess()), asRequest(dataAccess())])),
  ];
  return { ...opened, entries };
}

describe('the block log', () => {
  test('blocks chain from 64 zeros, and their hashes can be recomputed', async () => {
    const { store, entries } = await populated();
    expect(store.height()).toBe(4);
    const blocks = blocksOf(store);
    expect(store.block(4)).toBeUndefined();

    blocks.forEach((block, number) => {
      expect(block.header.number).toBe(number);
      const previous = blocks[number - 1];
      expect(block.header.previousHash).toBe(
        previous === undefined ? ZERO_HASH : previous.headerHash,
      );
      expect(block.header.dataHash).toBe(dataHashOf(block.transactions));
      expect(block.headerHash).toBe(headerHashOf(block.header));
      expect(block.transactions).toHaveLength(1);
    });
    // Independently of block-log: the hashes cover the blocks' content.
    for (const block of blocks) {
      const { number, previousHash, dataHash } = block.header;
      expect(block.headerHash).toBe(sha256Hex(JSON.stringify({ dataHash, number, previousHash })));
    }
    expect(new Set(blocks.map((block) => block.headerHash)).size).toBe(4);

    // Each entry's transaction is in the block its blockNumber names, and records the entry's
    // bytes exactly as the world state holds them.
    for (const entry of entries) {
      const transaction = blocks[entry.blockNumber]?.transactions.find(
        (candidate) => candidate.txId === entry.txId,
      );
      expect(transaction).toBeDefined();
      const key = `entry\u0000${entry.id}\u0000${entry.submitter.mspId}`;
      const value = store.get(key);
      expect(value).toBeDefined();
      expect(transaction?.writes).toContainEqual({ key, valueSha256: sha256Hex(value ?? '') });
    }
  });

  test('each transaction names its creator, its function and every key it wrote', async () => {
    const { store, identities, entries } = await populated();
    const sandboxCertificate = (await identities.identityFor(SANDBOX)).certificatePem;
    const creditCertificate = (await identities.identityFor(CREDIT)).certificatePem;
    const [first, , third, fourth] = blocksOf(store).map((block) => block.transactions[0]);
    expect(first?.creator).toEqual({
      mspId: 'SandboxOrg',
      certificateSha256: sha256Hex(sandboxCertificate),
    });
    expect(third?.creator).toEqual({
      mspId: 'CreditOrg',
      certificateSha256: sha256Hex(creditCertificate),
    });
    expect(first?.fcn).toBe('RecordEntry');
    expect(fourth?.fcn).toBe('RecordEntries');
    // The writes of all blocks together are exactly the world state.
    const written = new Set(
      blocksOf(store).flatMap((block) =>
        block.transactions.flatMap((transaction) => transaction.writes.map((write) => write.key)),
      ),
    );
    expect(written).toEqual(new Set(stateOf(store).keys()));
    expect(entries.map((entry) => entry.txId)).toEqual([
      first?.txId,
      blocksOf(store)[1]?.transactions[0]?.txId,
      third?.txId,
      fourth?.txId,
      fourth?.txId,
    ]);
  });

  test('blockNumber is the block holding the entry, on every way of reading it', async () => {
    const { store, ledger, entries } = await populated();
    expect(entries.map((entry) => entry.blockNumber)).toEqual([0, 1, 2, 3, 3]);
    for (const entry of entries) {
      expect(store.blockNumberOf(entry.txId)).toBe(entry.blockNumber);
      const principal = entry.kind === 'credit-change' ? CREDIT : SANDBOX;
      expect(await ledger.getEntry(principal, entry.id)).toEqual(entry);
      expect(await ledger.getEntry(REGULATOR, entry.id)).toEqual(entry);
    }
    const page = await ledger.queryEntries(REGULATOR, { by: 'kind', value: 'data-access' });
    expect(page.items.map((item) => [item.id, item.blockNumber])).toEqual(
      entries
        .filter((entry) => entry.kind === 'data-access')
        .map((entry) => [entry.id, entry.blockNumber]),
    );
    const next = await ledger.recordEntry(SANDBOX, asRequest(dataAccess()));
    expect(next.blockNumber).toBe(4);
    expect(store.height()).toBe(5);
  });
});

describe('refused transactions', () => {
  test('append no block and write no state', async () => {
    const { store, ledger, file } = await populated();
    const request = asRequest(dataAccess());
    const recorded = await ledger.recordEntry(SANDBOX, request);
    const height = store.height();
    const state = stateOf(store);
    const head = store.block(height - 1)?.headerHash;

    await expectLedgerError(ledger.recordEntry(SANDBOX, request), 'ENTRY_EXISTS');
    await expectLedgerError(
      ledger.recordEntry(SANDBOX, asRequest(dataAccess({ id: request.id }, { action: 'export' }))),
      'ENTRY_EXISTS',
    );
    await expectLedgerError(ledger.recordEntry(REGULATOR, asRequest(dataAccess())), 'FORBIDDEN');
    await expectLedgerError(ledger.recordEntry(SANDBOX, asRequest(creditChange())), 'FORBIDDEN');
    await expectLedgerError(
      ledger.recordEntry(SANDBOX, asRequest(dataAccess({}, { outcome: 'maybe' }))),
      'INVALID_ENTRY',
    );
    // All or nothing: one bad entry keeps its valid neighbours out too.
    const neighbour = asRequest(dataAccess());
    await expectLedgerError(
      ledger.recordEntries(SANDBOX, [neighbour, asRequest(dataAccess({ id: request.id }))]),
      'ENTRY_EXISTS',
    );

    expect(store.height()).toBe(height);
    expect(store.block(height - 1)?.headerHash).toBe(head);
    expect(stateOf(store)).toEqual(state);
    await expectLedgerError(ledger.getEntry(REGULATOR, neighbour.id), 'NOT_FOUND');
    expect(await ledger.getEntry(SANDBOX, request.id)).toEqual(recorded);

    const rows = new Database(file, { readonly: true });
    try {
      const count = (table: string) =>
        rows.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n;
      expect(count('blocks')).toBe(height);
      expect(count('transactions')).toBe(height);
      expect(count('state')).toBe(state.size);
    } finally {
      rows.close();
    }

    // The next good transaction chains to the same head.
    const after = await ledger.recordEntry(SANDBOX, asRequest(dataAccess()));
    expect(after.blockNumber).toBe(height);
    expect(store.block(height)?.header.previousHash).toBe(head);
    expect(store.checkIntegrity().problems).toEqual([]);
  });

  test('of 20 concurrent writes of one id exactly one commits, the rest are ENTRY_EXISTS', async () => {
    const { store, ledger } = await openLedger(await newFolder());
    const request = asRequest(dataAccess());
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => ledger.recordEntry(SANDBOX, request)),
    );
    const committed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(committed).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const outcome of refused) {
      expect(outcome.reason).toBeInstanceOf(LedgerError);
      expect((outcome.reason as LedgerError).code).toBe('ENTRY_EXISTS');
    }
    expect(store.height()).toBe(1);
    expect(committed[0]?.value.blockNumber).toBe(0);
    expect(await ledger.getEntry(SANDBOX, request.id)).toEqual(committed[0]?.value);
    expect(store.checkIntegrity().problems).toEqual([]);
  });

  test('20 concurrent writes of different ids all commit, one block each, chained', async () => {
    const { store, ledger } = await openLedger(await newFolder());
    const entries = await Promise.all(
      Array.from({ length: 20 }, () => ledger.recordEntry(SANDBOX, asRequest(dataAccess()))),
    );
    expect(store.height()).toBe(20);
    expect(entries.map((entry) => entry.blockNumber).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, index) => index),
    );
    for (const entry of entries) {
      expect(store.blockNumberOf(entry.txId)).toBe(entry.blockNumber);
    }
    const report = store.checkIntegrity();
    expect(report.problems).toEqual([]);
    expect(report.height).toBe(20);
  });
});

describe('roles bound to organisations', () => {
  test("a SandboxOrg CA that mints regulators and credit writers gets neither role's rights", async () => {
    const { folder, store, ledger: honest } = await populated();
    const change = await honest.recordEntry(CREDIT, asRequest(creditChange()));
    const sandboxCa = {
      mspId: 'SandboxOrg',
      certificatePem: await readFile(join(folder, 'identities/SandboxOrg/ca.pem'), 'utf8'),
      privateKeyPem: await readFile(join(folder, 'identities/SandboxOrg/ca.key'), 'utf8'),
    };
    const directory = await IdentityDirectory.open(join(folder, 'identities'));
    // Every principal signs with a certificate SandboxOrg's CA issued, whatever its role.
    const selfMade = new EmbeddedLedger(
      store,
      {
        node: (mspId) => directory.node(mspId),
        identityFor: (principal) =>
          issueClientIdentity(
            sandboxCa,
            principal.name,
            { 'audit.role': principal.role },
            { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000) },
          ),
      },
      standardConsortium,
    );
    open.push(selfMade);
    const height = store.height();

    await expectLedgerError(selfMade.getEntry(REGULATOR, change.id), 'FORBIDDEN');
    await expectLedgerError(
      selfMade.queryEntries(REGULATOR, { by: 'kind', value: 'credit-change' }),
      'FORBIDDEN',
    );
    await expectLedgerError(selfMade.recordEntry(CREDIT, asRequest(creditChange())), 'FORBIDDEN');
    expect(store.height()).toBe(height);
  });
});

describe('closing and reopening', () => {
  test('resumes at the same height, keeps entries readable and chains to the old head', async () => {
    const first = await populated();
    const height = first.store.height();
    const head = first.store.block(height - 1)?.headerHash;
    await closeLedger(first);

    const second = await openLedger(first.folder);
    expect(second.store.height()).toBe(height);
    expect(second.store.block(height - 1)?.headerHash).toBe(head);
    for (const entry of first.entries) {
      expect(await second.ledger.getEntry(REGULATOR, entry.id)).toEqual(entry);
    }
    const page = await second.ledger.queryEntries(SANDBOX, { by: 'kind', value: 'data-access' });
    expect(page.items).toHaveLength(3);

    const next = await second.ledger.recordEntry(CREDIT, asRequest(creditChange()));
    expect(next.blockNumber).toBe(height);
    expect(second.store.block(height)?.header.previousHash).toBe(head);
    await expectLedgerError(
      second.ledger.recordEntry(SANDBOX, asRequest(dataAccess({ id: first.entries[0]?.id }))),
      'ENTRY_EXISTS',
    );
    expect(second.store.height()).toBe(height + 1);
    expect(second.store.checkIntegrity().problems).toEqual([]);
  });

  test('a closed ledger refuses work with LEDGER_UNAVAILABLE', async () => {
    const opened = await openLedger(await newFolder());
    await closeLedger(opened);
    await expectLedgerError(
      opened.ledger.recordEntry(SANDBOX, asRequest(dataAccess())),
      'LEDGER_UNAVAILABLE',
    );
    expect(await opened.ledger.readiness()).toMatchObject({ ready: false });
  });

  test('the same principal keeps its certificate; private keys are mode 0600', async () => {
    const first = await populated();
    const before = await Promise.all(
      [SANDBOX, CREDIT, REGULATOR].map((principal) => first.identities.identityFor(principal)),
    );
    const [entryBefore] = first.entries;
    await closeLedger(first);

    const second = await openLedger(first.folder);
    const after = await Promise.all(
      [SANDBOX, CREDIT, REGULATOR].map((principal) => second.identities.identityFor(principal)),
    );
    expect(after).toEqual(before);
    expect(second.identities.roots()).toEqual(first.identities.roots());

    // A new entry by the same principal is signed by the same certificate as before.
    const entryAfter = await second.ledger.recordEntry(SANDBOX, asRequest(dataAccess()));
    expect(entryAfter.submitter).toEqual(entryBefore?.submitter);
    expect(entryAfter.source).toBe(entryBefore?.source);
    const creators = blocksOf(second.store).map((block) => block.transactions[0]?.creator);
    expect(creators[creators.length - 1]).toEqual(creators[0]);

    // Another name gets another certificate.
    const other = await second.identities.identityFor({
      name: 'other-system',
      role: 'sandbox-writer',
    });
    expect(other.certificatePem).not.toBe(after[0]?.certificatePem);

    const keyFiles = (await readdir(join(first.folder, 'identities'), { recursive: true })).filter(
      (name) => name.endsWith('.key'),
    );
    // One CA key per organisation and one key per client identity.
    expect(keyFiles.length).toBeGreaterThanOrEqual(3 + 4);
    for (const name of keyFiles) {
      const mode = (await stat(join(first.folder, 'identities', name))).mode & 0o777;
      expect({ name, mode: mode.toString(8) }).toEqual({ name, mode: '600' });
    }
  });
});

describe('checkIntegrity', () => {
  function problemsAfter(
    opened: Opened,
    edit: (db: Database.Database) => void,
  ): IntegrityProblem[] {
    tamper(opened.file, edit);
    return opened.store.checkIntegrity().problems;
  }

  test('an untouched ledger has no problems, before and after reopening', async () => {
    const opened = await populated();
    const report = opened.store.checkIntegrity();
    expect(report).toEqual({
      height: 4,
      stateKeys: stateOf(opened.store).size,
      // The credit change's details.
      privateKeys: 1,
      problems: [],
    });
    await closeLedger(opened);
    const reopened = new LedgerStore(opened.file);
    try {
      expect(reopened.checkIntegrity()).toEqual(report);
    } finally {
      reopened.close();
    }
  });

  test('detects an edited data column', async () => {
    const opened = await populated();
    const problems = problemsAfter(opened, (db) => {
      const row = db
        .prepare<[], { data: string }>('SELECT data FROM blocks WHERE number = 1')
        .get();
      const transactions = JSON.parse(row?.data ?? '[]') as { fcn: string }[];
      const [transaction] = transactions;
      if (transaction === undefined) {
        throw new Error('block 1 has no transaction');
      }
      transaction.fcn = 'RecordEntries';
      db.prepare<[string]>('UPDATE blocks SET data = ? WHERE number = 1').run(
        JSON.stringify(transactions),
      );
    });
    expect(problems).toContainEqual(
      expect.objectContaining({
        kind: 'block',
        where: 'block 1',
        message: expect.stringMatching(/data hash/) as unknown,
      }),
    );
  });

  test('detects an edited write record, in the block and in the state', async () => {
    const opened = await populated();
    const problems = problemsAfter(opened, (db) => {
      const row = db
        .prepare<[], { data: string }>('SELECT data FROM blocks WHERE number = 2')
        .get();
      const transactions = JSON.parse(row?.data ?? '[]') as {
        writes: { key: string; valueSha256: string }[];
      }[];
      const write = transactions[0]?.writes[0];
      if (write === undefined) {
        throw new Error('block 2 has no write');
      }
      write.valueSha256 = sha256Hex('something else');
      db.prepare<[string]>('UPDATE blocks SET data = ? WHERE number = 2').run(
        JSON.stringify(transactions),
      );
    });
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'block', where: 'block 2' }));
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'state' }));
  });

  test('detects an edited header hash, at its block and at the next', async () => {
    const opened = await populated();
    const problems = problemsAfter(opened, (db) => {
      db.prepare('UPDATE blocks SET header_hash = ? WHERE number = 1').run('f'.repeat(64));
    });
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'block', where: 'block 1' }));
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'block', where: 'block 2' }));
  });

  test('detects a block rewritten with all of its own hashes recomputed', async () => {
    const opened = await populated();
    const problems = problemsAfter(opened, (db) => {
      const block = opened.store.block(1);
      if (block === undefined) {
        throw new Error('no block 1');
      }
      const transactions = block.transactions.map((transaction) => ({
        ...transaction,
        timestamp: '2020-01-01T00:00:00.000000000Z',
      }));
      const header = { ...block.header, dataHash: dataHashOf(transactions) };
      db.prepare<[string, string, string]>(
        'UPDATE blocks SET data = ?, data_hash = ?, header_hash = ? WHERE number = 1',
      ).run(JSON.stringify(transactions), header.dataHash, headerHashOf(header));
    });
    expect(problems).toEqual([expect.objectContaining({ kind: 'block', where: 'block 2' })]);
  });

  test('detects a deleted block in the middle', async () => {
    const opened = await populated();
    const problems = problemsAfter(opened, (db) => {
      db.prepare('DELETE FROM transactions WHERE block_number = 1').run();
      db.prepare('DELETE FROM blocks WHERE number = 1').run();
    });
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'block', where: 'block 2' }));
    expect(problems.filter((problem) => problem.kind === 'state').length).toBeGreaterThan(0);
  });

  test('detects a deleted last block by the state it wrote', async () => {
    const opened = await populated();
    const problems = problemsAfter(opened, (db) => {
      db.prepare('DELETE FROM transactions WHERE block_number = 3').run();
      db.prepare('DELETE FROM blocks WHERE number = 3').run();
    });
    const entryKeys = opened.entries
      .filter((entry) => entry.blockNumber === 3)
      .map((entry) => JSON.stringify(`entry\u0000${entry.id}\u0000${entry.submitter.mspId}`));
    expect(entryKeys).toHaveLength(2);
    for (const where of entryKeys) {
      expect(problems).toContainEqual(expect.objectContaining({ kind: 'state', where }));
    }
  });

  test('detects a state row that no block wrote', async () => {
    const opened = await populated();
    const key = 'entry\u0000smuggled-1';
    const problems = problemsAfter(opened, (db) => {
      db.prepare<[Buffer, Buffer]>('INSERT INTO state (key, value) VALUES (?, ?)').run(
        Buffer.from(key),
        Buffer.from('{}'),
      );
    });
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'state', where: JSON.stringify(key) }),
    ]);
  });

  test('detects an edited and a deleted state row', async () => {
    const opened = await populated();
    const [edited, deleted] = opened.entries.map(
      (entry) => `entry\u0000${entry.id}\u0000${entry.submitter.mspId}`,
    );
    if (edited === undefined || deleted === undefined) {
      throw new Error('too few entries');
    }
    const problems = problemsAfter(opened, (db) => {
      db.prepare<[Buffer, Buffer]>('UPDATE state SET value = ? WHERE key = ?').run(
        Buffer.from('{}'),
        Buffer.from(edited),
      );
      db.prepare<[Buffer]>('DELETE FROM state WHERE key = ?').run(Buffer.from(deleted));
    });
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'state', where: JSON.stringify(edited) }),
    );
    expect(problems).toContainEqual(
      expect.objectContaining({ kind: 'state', where: JSON.stringify(deleted) }),
    );
  });
});
