import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  CREDIT_DETAILS_COLLECTION,
  ENTRIES_RECORDED_EVENT,
  canonicalJson,
} from '../../chaincode/src/index.js';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities, type TestIdentities } from '../support/identities.js';
import { detailPaths, entryOf, errorOf, payloadOf, recordedEntryOf } from '../support/results.js';
import {
  CREDIT_CODE,
  DIGEST_A,
  DIGEST_B,
  PSEUDONYM,
  RESIDENT_ID,
  algorithmUpload,
  creditChange,
  dataAccess,
} from '../support/sample-entries.js';
import { spellings } from '../support/identifier-spellings.js';

let ids: TestIdentities;
beforeAll(async () => {
  ids = await testIdentities();
});

function record(harness: ContractHarness, request: unknown, identity = ids.sandboxWriter) {
  return harness.recordEntry(identity, request);
}

function expectedDigest(request: { kind: string; id: string; payload: unknown }): string {
  const canonical = canonicalJson({ kind: request.kind, id: request.id, payload: request.payload });
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}

describe('recording one entry', () => {
  test('a data access is committed with its stream, source, digest, time and submitter', async () => {
    const harness = new ContractHarness();
    const request = dataAccess({ sourceSeq: 1 });
    const entry = entryOf(await record(harness, request));

    expect(entry).toEqual({
      ...request,
      // A writer that names no version writes version 1, and the digest is as it always was.
      kindVersion: 1,
      stream: 'dataset:city-mgmt/traffic-flow-2025',
      source: 'SandboxOrg/sandbox-platform',
      digest: expectedDigest(request),
      txId: 'tx000001',
      committedAt: '2026-03-01T08:00:00.000000000Z',
      submitter: {
        mspId: 'SandboxOrg',
        role: 'sandbox-writer',
        name: 'sandbox-platform',
        subject: '/C=CN/O=SandboxOrg/OU=client/CN=sandbox-platform',
      },
    });
  });

  test('an algorithm upload streams by algorithm and a credit change by subject', async () => {
    const harness = new ContractHarness();
    const upload = entryOf(await record(harness, algorithmUpload()));
    const changeRequest = creditChange();
    const change = recordedEntryOf(
      await record(harness, changeRequest, ids.creditWriter),
      changeRequest,
    );

    expect(upload.stream).toBe('algorithm:alg-traffic-forecast');
    expect(upload.digest).toBe(expectedDigest(upload));
    expect(change.stream).toBe(`subject:${PSEUDONYM}`);
    expect(change.source).toBe('CreditOrg/credit-system');
    expect(change.submitter.role).toBe('credit-writer');
  });

  test('the committed entry reads back byte for byte, Chinese text included', async () => {
    const harness = new ContractHarness();
    const recorded = await record(harness, dataAccess({ id: 'chinese-1' }));
    const read = await harness.evaluate(ids.sandboxWriter, 'GetEntry', 'chinese-1');

    expect(read.ok && recorded.ok && read.payload === recorded.payload).toBe(true);
    expect(entryOf(read).payload).toMatchObject({ actor: { org: '深圳某科技有限公司' } });
  });

  test('world state holds the entry in canonical JSON and its sequence claim, nothing else', async () => {
    const harness = new ContractHarness();
    await record(harness, dataAccess({ id: 'canon-1', sourceSeq: 7 }));

    const written = new Map(
      harness.state
        .keys()
        .map((key) => [key, Buffer.from(harness.state.get(key) ?? []).toString()]),
    );
    const entry = written.get('entry\u0000canon-1\u0000SandboxOrg') ?? '';
    expect(canonicalJson(JSON.parse(entry))).toBe(entry);
    const claims = [...written].filter(([key]) => key.startsWith('seq\u0000'));
    expect(claims.map(([, value]) => value)).toEqual(['entry\u0000canon-1\u0000SandboxOrg']);
    expect(written.size).toBe(2);
  });

  test('a batch writes its entries’ own keys and no index: gateways list entries from blocks', async () => {
    const harness = new ContractHarness();
    const accesses = Array.from({ length: 50 }, () => dataAccess());
    payloadOf(await harness.recordEntries(ids.sandboxWriter, accesses));
    const changes = Array.from({ length: 20 }, () => creditChange());
    payloadOf(await harness.recordEntries(ids.creditWriter, changes));

    expect(harness.state.keys().sort()).toEqual(
      [
        ...accesses.map((request) => `entry\u0000${request.id}\u0000SandboxOrg`),
        ...changes.map((request) => `entry\u0000${request.id}\u0000CreditOrg`),
      ].sort(),
    );
    expect(harness.state.privateKeysInRange(CREDIT_DETAILS_COLLECTION, '', '').sort()).toEqual(
      changes.map((request) => `entry\u0000${request.id}\u0000CreditOrg`).sort(),
    );
  });

  test('one chaincode event carries the entry id and kind, nothing else', async () => {
    const harness = new ContractHarness();
    const result = await record(harness, dataAccess({ id: 'evt-1' }));

    expect(result.ok && result.event).toEqual({
      name: ENTRIES_RECORDED_EVENT,
      payload: '{"entries":[{"id":"evt-1","kind":"data-access"}]}',
    });
  });

  test('the digest covers kind, id and payload in canonical form, whatever the key order', async () => {
    const harness = new ContractHarness();
    const request = dataAccess({ id: 'order-1' });
    const reversed = Object.fromEntries(Object.entries(request.payload).reverse());
    const entry = entryOf(
      await record(harness, { payload: reversed, id: 'order-1', kind: 'data-access' }),
    );

    expect(entry.digest).toBe(expectedDigest(request));
  });
});

describe('ids and sequence numbers are claimed once', () => {
  test('a second entry with the same id is refused and the first is untouched', async () => {
    const harness = new ContractHarness();
    const first = await record(harness, dataAccess({ id: 'dup-1' }));
    const again = await record(harness, algorithmUpload({ id: 'dup-1' }));

    expect(detailPaths(errorOf(again, 'ENTRY_EXISTS'))).toEqual(['id']);
    const read = await harness.evaluate(ids.regulator, 'GetEntry', 'dup-1');
    expect(read.ok && first.ok && read.payload === first.payload).toBe(true);
  });

  test('an identical retry is refused too: idempotency is decided by the caller, not by rewriting', async () => {
    const harness = new ContractHarness();
    const request = dataAccess({ id: 'retry-1' });
    await record(harness, request);

    errorOf(await record(harness, request), 'ENTRY_EXISTS');
  });

  test('a source cannot use a sequence number twice', async () => {
    const harness = new ContractHarness();
    await record(harness, dataAccess({ sourceSeq: 41 }));

    const reuse = await record(harness, dataAccess({ sourceSeq: 41 }));
    expect(detailPaths(errorOf(reuse, 'SEQ_EXISTS'))).toEqual(['sourceSeq']);
  });

  test("another source's sequence numbers are its own", async () => {
    const harness = new ContractHarness();
    await record(harness, dataAccess({ sourceSeq: 5 }));

    const other = entryOf(
      await record(harness, dataAccess({ sourceSeq: 5 }), ids.secondSandboxWriter),
    );
    expect(other.source).toBe('SandboxOrg/fl-coordinator');
  });

  test.each([0, -1, 1.5, '3', Number.MAX_SAFE_INTEGER + 1])(
    'sourceSeq %s is refused',
    async (sourceSeq) => {
      const harness = new ContractHarness();
      const refused = await record(harness, dataAccess({ sourceSeq }));
      expect(detailPaths(errorOf(refused, 'INVALID_ENTRY'))).toEqual(['sourceSeq']);
    },
  );
});

describe('schemas refuse what they do not describe, naming every failing field', () => {
  test.each([
    ['an unknown top-level field', dataAccess({ note: 'x' }), ['note']],
    [
      'an unknown nested field',
      dataAccess({}, { actor: { org: 'o', user: 'u', nickname: 'n' } }),
      ['payload.actor.nickname'],
    ],
    ['an unknown kind', dataAccess({ kind: 'login' }), ['kind']],
    ['an unknown action', dataAccess({}, { action: 'delete' }), ['payload.action']],
    ['a missing purpose', dataAccess({}, { purpose: undefined }), ['payload.purpose']],
    [
      'a time without offset',
      dataAccess({}, { occurredAt: '2026-03-01T08:00:00' }),
      ['payload.occurredAt'],
    ],
    [
      'an impossible date',
      dataAccess({}, { occurredAt: '2026-02-30T08:00:00Z' }),
      ['payload.occurredAt'],
    ],
    [
      'a negative row count',
      dataAccess({}, { scope: { fields: [], rowCount: -1 } }),
      ['payload.scope.rowCount'],
    ],
    ['a denial without reason', dataAccess({}, { outcome: 'denied' }), ['payload.reason']],
    [
      'an uppercase artifact digest',
      algorithmUpload({}, { artifact: { sha256: 'C3'.repeat(32), sizeBytes: 1 } }),
      ['payload.artifact.sha256'],
    ],
    [
      'an empty artifact',
      algorithmUpload({}, { artifact: { sha256: 'c3'.repeat(32), sizeBytes: 0 } }),
      ['payload.artifact.sizeBytes'],
    ],
    ['an unknown status', algorithmUpload({}, { status: 'published' }), ['payload.status']],
    [
      'a raw subject reference',
      creditChange({}, { subject: { type: 'person', ref: 'zhang-san' } }),
      ['payload.subject.ref'],
    ],
    ['an unknown category', creditChange({}, { category: 'fine' }), ['payload.category']],
    [
      'a create with a before digest',
      creditChange({}, { change: 'create', before: DIGEST_B }),
      ['payload.before'],
    ],
    [
      'an update without before',
      creditChange({}, { change: 'update', after: DIGEST_B }),
      ['payload.before'],
    ],
    [
      'an update that changes nothing',
      creditChange({}, { change: 'update', before: DIGEST_A, after: DIGEST_A }),
      ['payload.after'],
    ],
    [
      'a revoke with an after digest',
      creditChange({}, { change: 'revoke', before: DIGEST_A, after: DIGEST_B }),
      ['payload.after'],
    ],
    ['an id with a slash', dataAccess({ id: 'a/b' }), ['id']],
    [
      'an identifier with a control character',
      dataAccess({}, { dataset: { id: 'ds\u0000x' } }),
      ['payload.dataset.id'],
    ],
    [
      'an identifier with a lone surrogate',
      dataAccess({}, { sessionId: 'a\ud800' }),
      ['payload.sessionId'],
    ],
  ])('%s', async (_case, request, paths) => {
    const harness = new ContractHarness();
    const identity = request.kind === 'credit-change' ? ids.creditWriter : ids.sandboxWriter;
    const refused = await record(harness, request, identity);

    expect(detailPaths(errorOf(refused, 'INVALID_ENTRY'))).toEqual(paths);
    expect(harness.state.keys()).toEqual([]);
  });

  test('several failing fields are reported together', async () => {
    const harness = new ContractHarness();
    const refused = await record(
      harness,
      dataAccess({}, { action: 'delete', outcome: 'maybe', extra: 1 }),
    );

    expect(detailPaths(errorOf(refused, 'INVALID_ENTRY')).sort()).toEqual(
      ['payload.action', 'payload.extra', 'payload.outcome'].sort(),
    );
  });

  test('an argument that is not JSON is an invalid argument', async () => {
    const harness = new ContractHarness();
    const refused = await harness.submit(ids.sandboxWriter, 'RecordEntry', '{"kind":');

    expect(detailPaths(errorOf(refused, 'INVALID_ARGUMENT'))).toEqual(['request']);
  });

  test('an entry over 64 KiB is refused as too large; one just under is accepted', async () => {
    const harness = new ContractHarness();
    const fields = Array.from(
      { length: 1000 },
      (_, index) => `field_${String(index).padStart(54, '0')}`,
    );
    const nearLimit = dataAccess({}, { scope: { fields, rowCount: 1 } });
    expect(Buffer.byteLength(canonicalJson(nearLimit))).toBeGreaterThan(60 * 1024);
    entryOf(await record(harness, nearLimit));

    const tooLarge = await record(harness, dataAccess({}, { reason: '说明'.repeat(12_000) }));
    errorOf(tooLarge, 'ENTRY_TOO_LARGE');
  });
});

describe('national identifiers never reach the ledger in clear', () => {
  test.each([
    [
      'in free text',
      dataAccess({}, { outcome: 'denied', reason: `申请人身份证${RESIDENT_ID}未通过核验` }),
      'payload.reason',
    ],
    [
      'as an organisation',
      dataAccess({}, { actor: { org: CREDIT_CODE, user: 'u' } }),
      'payload.actor.org',
    ],
    [
      'in an array',
      dataAccess({}, { scope: { fields: ['name', RESIDENT_ID.toLowerCase()], rowCount: 1 } }),
      'payload.scope.fields[1]',
    ],
    ['as an object key', dataAccess({}, { [`编号${CREDIT_CODE}`]: 'x' }), 'payload.编号[redacted]'],
    ['as the entry id', dataAccess({ id: RESIDENT_ID }), 'id'],
    [
      'as a credit subject',
      creditChange({}, { subject: { type: 'person', ref: RESIDENT_ID } }),
      'payload.subject.ref',
    ],
  ])('%s', async (_case, request, path) => {
    const harness = new ContractHarness();
    const identity = request.kind === 'credit-change' ? ids.creditWriter : ids.sandboxWriter;
    const refused = await record(harness, request, identity);

    expect(detailPaths(errorOf(refused, 'PERSONAL_DATA'))).toEqual([path]);
    expect(refused.ok ? '' : refused.message.toUpperCase()).not.toMatch(
      /11010519491231002X|91350100M000100Y43/,
    );
    expect(harness.state.keys()).toEqual([]);
  });

  test('ids that merely look like identifiers are accepted', async () => {
    const harness = new ContractHarness();
    const request = dataAccess(
      {},
      {
        sessionId: '110105194912310021',
        purpose: { scenarioId: 's', approvalRef: '91350100M000100Y44' },
      },
    );

    entryOf(await record(harness, request));
  });
});

describe('numbers JSON cannot carry', () => {
  test('a sourceSeq of 1e400 (Infinity once parsed) is an invalid entry, not an internal error', async () => {
    const harness = new ContractHarness();
    const request = JSON.stringify(dataAccess()).replace(/^\{/, '{"sourceSeq":1e400,');
    const refused = await harness.submit(ids.sandboxWriter, 'RecordEntry', request);

    expect(detailPaths(errorOf(refused, 'INVALID_ENTRY'))).toEqual(['sourceSeq']);
  });
});

test('an entry nested deeper than any schema allows is refused before anything recurses into it', async () => {
  const harness = new ContractHarness();
  const deep = `{"kind":"data-access","id":"deep-1","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const refused = await harness.submit(ids.sandboxWriter, 'RecordEntry', deep);

  expect(detailPaths(errorOf(refused, 'INVALID_ENTRY'))).toEqual(['$']);
});

/** Every string in a request, with its path as PERSONAL_DATA reports it. */
function stringFields(value: unknown, path = ''): string[] {
  if (typeof value === 'string') {
    return [path];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, index) => stringFields(item, `${path}[${index}]`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      stringFields(item, path === '' ? key : `${path}.${key}`),
    );
  }
  return [];
}

/** A copy of `request` with the string at `path` replaced. */
function withField(request: object, path: string, text: string): object {
  const copy = structuredClone(request) as Record<string, unknown>;
  const segments = path
    .split(/\.|\[(\d+)\]/)
    .filter((segment?: string): segment is string => segment !== undefined && segment !== '');
  let holder: Record<string, unknown> = copy;
  for (const segment of segments.slice(0, -1)) {
    holder = holder[segment] as Record<string, unknown>;
  }
  holder[segments.at(-1) ?? ''] = text;
  return copy;
}

describe('every spelling of an identifier, in every string field, is refused', () => {
  const requests = [
    { request: dataAccess(), identity: () => ids.sandboxWriter },
    { request: algorithmUpload(), identity: () => ids.sandboxWriter },
    { request: creditChange(), identity: () => ids.creditWriter },
  ];
  test.each(requests.map(({ request, identity }) => [request.kind, request, identity] as const))(
    '%s',
    async (_kind, request, identity) => {
      const harness = new ContractHarness();
      // The kind picks the schema, and typed digests are checked by their type.
      const fields = stringFields(request).filter((path) => {
        const value = path
          .split('.')
          .reduce<unknown>((holder, key) => (holder as Record<string, unknown>)[key], request);
        return path !== 'kind' && !/^(?:sha256|hmac-sha256):/.test(String(value));
      });
      expect(fields.length).toBeGreaterThan(5);
      for (const identifier of [RESIDENT_ID, CREDIT_CODE]) {
        for (const [spelling, text] of spellings(identifier)) {
          for (const field of fields) {
            const refused = await record(harness, withField(request, field, text), identity());
            expect(refused.ok ? 'stored' : refused.error.code, `${spelling} in ${field}`).toBe(
              'PERSONAL_DATA',
            );
          }
        }
      }
      expect(harness.state.keys()).toEqual([]);
    },
  );
});
