/**
 * The scanner: credit changes are written for people given by their identity numbers, some are
 * erased, and then every byte the system keeps is searched. On the embedded ledger that is the
 * gateway's data folder (ledger, write-ahead log, outbox, events, keys); on Fabric also every
 * node's folder (block files, state databases, private data and transient stores), what each
 * of their LevelDB databases holds (tables compress keys and blocks, which a search of their
 * bytes can miss), and every node's log; on both, everything the gateway logged. A raw identity
 * number is found nowhere, ever; an erased entry's details are found nowhere once erased and the
 * peers compacted (`network.sh compact`, see docs/privacy.md); the details not erased are still
 * there, and only on the peers of the organisations that hold them.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomInt } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { openEventStream } from '../support/event-stream.js';
import { filesUnder } from '../support/files.js';
import { TEST_LEDGER, startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { creditChange, unique } from '../support/sample-entries.js';

const PAST = '2021-06-30T00:00:00+08:00';
const NETWORK = resolve(__dirname, '../../network');
const NETWORK_STATE = join(NETWORK, '.state');
const run = promisify(execFile);

/** A valid resident identity number (GB 11643) no other run is likely to have used. */
function residentId(): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + randomInt(0, 50 * 365) * 86_400_000);
  const body = `110105${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body
    .split('')
    .reduce((total, digit, index) => total + Number(digit) * (weights[index] ?? 0), 0);
  return `${body}${'10X98765432'[sum % 11] ?? ''}`;
}

/** What the system keeps, by where: a file's bytes, or what a LevelDB database holds. */
type Kept = Map<string, Buffer>;

/** Every place in `kept` holding one of `needles`, and which. */
function holding(kept: Kept, needles: readonly string[]): { place: string; needle: string }[] {
  return [...kept].flatMap(([place, bytes]) =>
    needles
      .filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')))
      .map((needle) => ({ place, needle })),
  );
}

/**
 * What each LevelDB database under `folder` holds, read from a copy (its node keeps it locked)
 * by network/tools/leveldb, which `network.sh compact` built.
 */
async function levelDbContents(folder: string): Promise<Kept> {
  const contents: Kept = new Map();
  const copies = await mkdtemp(join(tmpdir(), 'audit-leveldb-'));
  try {
    const databases = (await filesUnder(folder))
      .filter((file) => file.endsWith('/CURRENT'))
      .map((file) => dirname(file));
    for (const [index, database] of databases.entries()) {
      const copy = join(copies, String(index));
      await cp(database, copy, { recursive: true });
      const { stdout } = await run(join(NETWORK_STATE, 'bin', 'leveldb'), ['dump', copy], {
        encoding: 'buffer',
        maxBuffer: 1 << 30,
      });
      contents.set(`${database} (contents)`, stdout);
    }
  } finally {
    await rm(copies, { recursive: true, force: true });
  }
  return contents;
}

/** A person's credit record: created, then (for the erased ones) revoked with its retention past. */
interface Person {
  idNumber: string;
  recordId: string;
  /** The pseudonym the gateway stores, found by computing it here with the key on disk. */
  ref: string;
  entries: RecordedEntry[];
}

describe('every byte the system keeps, after erasure', () => {
  let gateway: TestGateway;
  let dataDir: string;
  let erased: Person;
  let kept: Person;
  let foundWhileRunning: { place: string; needle: string }[] = [];

  async function pseudonymOf(idNumber: string): Promise<string> {
    const key = Buffer.from((await readFile(gateway.pseudonymKeyFile, 'utf8')).trim(), 'hex');
    return createHmac('sha256', key).update(idNumber, 'utf8').digest('hex');
  }

  async function person(ends: boolean): Promise<Person> {
    const idNumber = residentId();
    const recordId = unique(`CR-scan-${ends ? 'erased' : 'kept'}`);
    const subject = { type: 'person', idNumber };
    const creation = creditChange({}, { recordId, subject, change: 'create' });
    // The creation goes through the outbox, so that erasure must reach its copy there too.
    const accepted = await gateway.request<{ id: string }>('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creation,
      headers: { prefer: 'respond-async' },
    });
    expect(accepted.status, accepted.text).toBe(202);
    const entries = [await operationEntry(accepted.body.id)];
    if (ends) {
      const revocation = creditChange(
        { erasableAfter: PAST },
        { recordId, subject, change: 'revoke', before: creation.payload.after, after: undefined },
      );
      const written = await gateway.request<RecordedEntry>('POST', '/v1/entries', {
        key: gateway.keys['credit-writer'],
        body: revocation,
      });
      expect(written.status, written.text).toBe(201);
      entries.push(written.body);
    }
    return { idNumber, recordId, ref: await pseudonymOf(idNumber), entries };
  }

  async function operationEntry(id: string): Promise<RecordedEntry> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const operation = await gateway.request<{ status: string; entry?: RecordedEntry }>(
        'GET',
        `/v1/operations/${id}`,
        { key: gateway.keys['credit-writer'] },
      );
      if (operation.body.entry !== undefined) {
        return operation.body.entry;
      }
      expect(operation.body.status, operation.text).not.toBe('failed');
      if (Date.now() > deadline) {
        throw new Error(`operation ${id} did not complete: ${operation.text}`);
      }
      await new Promise((settle) => setTimeout(settle, 50));
    }
  }

  beforeAll(async () => {
    // Its own folder, read after the gateway closed and flushed every file.
    dataDir = await mkdtemp(join(tmpdir(), 'audit-erasure-scan-'));
    gateway = await startTestGateway({ DATA_DIR: dataDir, RETENTION_SWEEP_MS: '0' });
    erased = await person(true);
    kept = await person(false);
    // The gateway's events and compliance state follow the blocks: the scan waits for them to
    // have taken in both erasures (the rules forget an erased change as they observe its erasure).
    const erasures = await openEventStream(`${gateway.url}/v1/events?kind=entry-erasure`, {
      authorization: `Bearer ${gateway.keys.regulator}`,
    });
    const erasureIds: string[] = [];
    for (const entry of erased.entries) {
      const erasure = await gateway.request<{ erasure: RecordedEntry }>(
        'POST',
        `/v1/entries/${encodeURIComponent(`CreditOrg/${entry.id}`)}/erase`,
        {
          key: gateway.keys.regulator,
          body: { reason: '保存期限届满', legalBasis: '《征信业管理条例》第十六条' },
        },
      );
      expect(erasure.status, erasure.text).toBe(201);
      erasureIds.push(erasure.body.erasure.id);
    }
    // The stream starts at the first erasure the regulator may read: earlier runs' come first.
    const delivered = () =>
      erasureIds.every((id) =>
        erasures.events.some((event) => (event.data as { id?: string }).id === id),
      );
    for (let count = 1; !delivered(); count += 1) {
      await erasures.waitFor(count, 60_000);
    }
    erasures.close();
    // The events database and the block index follow the chain apart. A query waits for the
    // index to hold this gateway's last write, the erasure, whose postings it has then deleted.
    const byRecord = await gateway.request<{ items: RecordedEntry[] }>(
      'GET',
      `/v1/entries?recordId=${encodeURIComponent(erased.recordId)}`,
      { key: gateway.keys.regulator },
    );
    expect(byRecord.status, byRecord.text).toBe(200);
    expect(byRecord.body.items).toEqual([]);
    // While the gateway runs too: no write-ahead log may keep what its database forgot.
    const running: Kept = new Map();
    for (const file of await filesUnder(dataDir)) {
      running.set(file, await readFile(file));
    }
    foundWhileRunning = holding(running, [erased.ref, erased.recordId]);
    // The kept person's details are still read whole, from the collection.
    const read = await gateway.request<RecordedEntry>(
      'GET',
      `/v1/entries/${encodeURIComponent(`CreditOrg/${kept.entries[0]?.id ?? ''}`)}`,
      { key: gateway.keys.regulator },
    );
    expect(read.body.payload).toMatchObject({
      subject: { type: 'person', ref: `hmac-sha256:${kept.ref}` },
    });
    await gateway.close();
    if (TEST_LEDGER === 'fabric') {
      // Purged data stays in LevelDB journals and tables until they are compacted.
      await run(join(NETWORK, 'network.sh'), ['compact'], { timeout: 300_000 });
    }
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The gateway's folder and logs; on Fabric, every node's folder, databases and log too. */
  async function everything(): Promise<Kept> {
    const files = await filesUnder(dataDir);
    const kept: Kept = new Map();
    if (TEST_LEDGER === 'fabric') {
      const nodes = join(NETWORK_STATE, 'nodes');
      files.push(...(await filesUnder(nodes)), ...(await filesUnder(join(NETWORK_STATE, 'logs'))));
      for (const [place, contents] of await levelDbContents(nodes)) {
        kept.set(place, contents);
      }
    }
    for (const file of files) {
      kept.set(file, await readFile(file));
    }
    kept.set('the gateway’s log', Buffer.from(gateway.logs.join('\n')));
    return kept;
  }

  function described(found: { place: string; needle: string }[]): string[] {
    return found.map(({ place, needle }) => `${relative(tmpdir(), place)}: ${needle}`);
  }

  test('no raw identity number anywhere, erased or not', async () => {
    expect(described(holding(await everything(), [erased.idNumber, kept.idNumber]))).toEqual([]);
  });

  test('no trace of the erased details in the gateway’s files while it still runs', () => {
    expect(described(foundWhileRunning)).toEqual([]);
  });

  test('no trace of the erased details: not the subject’s pseudonym, not the record', async () => {
    expect(described(holding(await everything(), [erased.ref, erased.recordId]))).toEqual([]);
  });

  test('the details not erased are still there, and only where their holders keep them', async () => {
    const found = holding(await everything(), [kept.ref, kept.recordId]);
    expect(new Set(found.map(({ needle }) => needle))).toEqual(new Set([kept.ref, kept.recordId]));
    if (TEST_LEDGER === 'fabric') {
      const holders = ['peer0.creditorg', 'peer0.regulatororg'].map((peer) =>
        join(NETWORK_STATE, 'nodes', peer),
      );
      // The sandbox operator's peer and the orderers have their hashes only.
      const elsewhere = found.filter(
        ({ place }) =>
          place.startsWith(join(NETWORK_STATE, 'nodes')) &&
          !holders.some((holder) => place.startsWith(holder)),
      );
      expect(described(elsewhere)).toEqual([]);
      for (const holder of holders) {
        expect(
          found.some(({ place }) => place.startsWith(holder)),
          holder,
        ).toBe(true);
      }
    }
  });
});
