/**
 * Lawful erasure through the API, on either ledger: a credit change's details are erased once
 * its retention ends, on request or by the retention sweep; the entry still proves what it was,
 * the erasure is an entry of its own, and what is not due, not erasable, already erased or asked
 * by a role that may not is refused with its own code.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AuditEntry, ErasedEntry } from '../../chaincode/src/index.js';
import { entryPageSchema, entrySchema } from '../../gateway/src/http/api-schemas.js';
import type { RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import type { ProofBundle } from '../../verifier/src/proof-bundle.js';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import { verifyBundleText } from '../../verifier/src/offline-verification.js';
import {
  TEST_LEDGER,
  startTestGateway,
  type ErrorBody,
  type TestGateway,
} from '../support/gateway-server.js';
import { RESIDENT_ID, creditChange, dataAccess, unique } from '../support/sample-entries.js';

type Key = keyof TestGateway['keys'];
type ErasedRead = ErasedEntry & { blockNumber: number };
interface Erasure {
  erasure: RecordedEntry;
  entry: ErasedRead;
}

/** Long past: whatever carries it may be erased now. */
const PAST = '2021-06-30T00:00:00+08:00';
const FUTURE = '2099-12-31T00:00:00+08:00';
const GROUNDS = {
  reason: '不良信息保存期限届满',
  legalBasis: '《征信业管理条例》第十六条',
};

/** A subject no other run or test uses: its reference is what erasure must make unfindable. */
function freshSubject() {
  return { type: 'organization', ref: `hmac-sha256:${randomBytes(32).toString('hex')}` };
}

function change(payload: Record<string, unknown>, request: Record<string, unknown> = {}) {
  return creditChange(request, payload);
}

function post<Body>(gateway: TestGateway, key: Key, path: string, body: unknown) {
  return gateway.request<Body>('POST', path, { key: gateway.keys[key], body });
}

async function record(gateway: TestGateway, key: Key, request: unknown): Promise<RecordedEntry> {
  const written = await post<RecordedEntry>(gateway, key, '/v1/entries', request);
  expect(written.status, written.text).toBe(201);
  return written.body;
}

function erase(gateway: TestGateway, key: Key, id: string, body: unknown = GROUNDS) {
  return post<Erasure>(gateway, key, `/v1/entries/${id}/erase`, body);
}

/** `{MSP id}/{id}`, as a path segment. */
function nameOf(entry: { id: string; submitter: { mspId: string } }): string {
  return encodeURIComponent(`${entry.submitter.mspId}/${entry.id}`);
}

describe('erasing a credit change’s details', () => {
  let gateway: TestGateway;
  let trust: TrustFile;
  const recordId = unique('CR-erase');
  const subject = freshSubject();
  let created: RecordedEntry;
  let revoked: RecordedEntry;
  let createdRequest: ReturnType<typeof change>;
  let pending: RecordedEntry;
  let open: RecordedEntry;
  let access: RecordedEntry;
  let first: Erasure;

  beforeAll(async () => {
    // No sweep: this suite erases by hand, and the sweep would race it.
    gateway = await startTestGateway({ RETENTION_SWEEP_MS: '0' });
    const trustPath =
      TEST_LEDGER === 'fabric'
        ? resolve(__dirname, '../../network/.state/trust.json')
        : join(gateway.dataDir, 'trust.json');
    trust = trustFile.parse(JSON.parse(await readFile(trustPath, 'utf8')));

    createdRequest = change({ recordId, subject, change: 'create' });
    created = await record(gateway, 'credit-writer', createdRequest);
    // The record ends: its retention, long past, covers its creation too.
    revoked = await record(
      gateway,
      'credit-writer',
      change(
        {
          recordId,
          subject,
          change: 'revoke',
          before: createdRequest.payload.after,
          after: undefined,
        },
        { erasableAfter: PAST },
      ),
    );
    pending = await record(
      gateway,
      'credit-writer',
      change(
        { recordId: unique('CR-pending'), subject: freshSubject() },
        { erasableAfter: FUTURE },
      ),
    );
    open = await record(
      gateway,
      'credit-writer',
      change({ recordId: unique('CR-open'), subject: freshSubject() }),
    );
    access = await record(gateway, 'sandbox-writer', dataAccess());
  });

  afterAll(() => gateway.close());

  test('a writer gets the whole entry back, with when it may be erased', () => {
    expect(revoked).toMatchObject({ kind: 'credit-change', erasableAfter: PAST });
    expect(revoked.payload).toMatchObject({ recordId, subject });
    expect(revoked.details).toMatchObject({ collection: 'credit-details' });
    expect(revoked.stream).toBe(`subject:${subject.ref}`);
  });

  test('a role that may not erase is refused before the entry is looked up', async () => {
    for (const id of [nameOf(created), 'CreditOrg%2Fno-such-entry']) {
      const refused = await erase(gateway, 'sandbox-writer', id);
      expect(refused.status, refused.text).toBe(403);
      expect((refused.body as unknown as ErrorBody).error.code).toBe('FORBIDDEN');
    }
  });

  test('what is not due, has no retention, or keeps its payload on the channel is refused', async () => {
    const cases: [RecordedEntry, string][] = [
      [pending, 'ERASURE_NOT_DUE'],
      [open, 'ERASURE_NOT_DUE'],
      [access, 'NOT_ERASABLE'],
    ];
    for (const [entry, code] of cases) {
      const refused = await erase(gateway, 'regulator', nameOf(entry));
      expect(refused.status, refused.text).toBe(409);
      expect((refused.body as unknown as ErrorBody).error.code).toBe(code);
    }
    const missing = await erase(gateway, 'regulator', 'CreditOrg%2Fno-such-entry');
    expect(missing.status, missing.text).toBe(404);
  });

  test('an erasure without a reason or legal basis is refused, naming the field', async () => {
    const refused = await erase(gateway, 'credit-writer', nameOf(created), {
      reason: GROUNDS.reason,
    });
    expect(refused.status, refused.text).toBe(400);
    const { error } = refused.body as unknown as ErrorBody;
    expect(error.details?.map((detail) => detail.path)).toEqual(['legalBasis']);
    // Nothing was erased.
    const read = await gateway.request<AuditEntry>('GET', `/v1/entries/${nameOf(created)}`, {
      key: gateway.keys['credit-writer'],
    });
    expect(read.body.payload).toEqual(created.payload);
  });

  test('an erasure whose grounds hold an identity number is refused before any ledger sees it', async () => {
    const refused = await erase(gateway, 'credit-writer', nameOf(created), {
      ...GROUNDS,
      reason: `本人（身份证号 ${RESIDENT_ID}）申请删除`,
    });
    expect(refused.status, refused.text).toBe(400);
    const { error } = refused.body as unknown as ErrorBody;
    expect(error.code).toBe('PERSONAL_DATA');
    expect(error.details?.map((detail) => detail.path)).toEqual(['reason']);
    expect(refused.text).not.toContain(RESIDENT_ID);
    const read = await gateway.request<AuditEntry>('GET', `/v1/entries/${nameOf(created)}`, {
      key: gateway.keys['credit-writer'],
    });
    expect(read.body.payload).toEqual(created.payload);
  });

  test('an erasure entry cannot be written on its own', async () => {
    const forged = {
      kind: 'entry-erasure',
      id: unique('forged-erasure'),
      payload: {
        entry: {
          mspId: 'CreditOrg',
          id: created.id,
          kind: 'credit-change',
          digest: created.digest,
          detailsSha256: created.details?.sha256,
        },
        erasableAfter: PAST,
        ...GROUNDS,
      },
    };
    const byWriter = await post<ErrorBody>(gateway, 'credit-writer', '/v1/entries', forged);
    expect(byWriter.status, byWriter.text).toBe(400);
    expect(byWriter.body.error.code).toBe('INVALID_ENTRY');
    const bySandbox = await post<ErrorBody>(gateway, 'sandbox-writer', '/v1/entries', forged);
    expect(bySandbox.status, bySandbox.text).toBe(403);
  });

  test('the credit writer erases a due entry: the entry keeps its digest, the erasure says who and why', async () => {
    const erased = await erase(gateway, 'credit-writer', nameOf(created));
    expect(erased.status, erased.text).toBe(201);
    first = erased.body;
    const { erasure, entry } = first;
    expect(erasure).toMatchObject({
      kind: 'entry-erasure',
      stream: 'erasure:CreditOrg',
      submitter: { mspId: 'CreditOrg', role: 'credit-writer' },
      payload: {
        entry: {
          mspId: 'CreditOrg',
          id: created.id,
          kind: 'credit-change',
          digest: created.digest,
          detailsSha256: created.details?.sha256,
        },
        erasableAfter: expect.stringMatching(/^2021-06-29T16:00:00/) as unknown,
        ...GROUNDS,
      },
    });
    expect(entrySchema.parse(entry)).toBeTruthy();
    expect(entry).toMatchObject({
      id: created.id,
      digest: created.digest,
      details: created.details,
      committedAt: created.committedAt,
      txId: created.txId,
      erased: {
        erasureId: erasure.id,
        erasedAt: erasure.committedAt,
        erasedBy: { mspId: 'CreditOrg', name: gateway.names['credit-writer'] },
        txId: erasure.txId,
        ...GROUNDS,
      },
    });
    expect(entry).not.toHaveProperty('payload');
    expect(entry).not.toHaveProperty('stream');
  });

  test('erasing it again is refused, naming the erasure', async () => {
    const again = await erase(gateway, 'regulator', nameOf(created));
    expect(again.status, again.text).toBe(409);
    const { error } = again.body as unknown as ErrorBody;
    expect(error.code).toBe('ALREADY_ERASED');
    expect(error.message).toContain(first.erasure.id);
  });

  test('every reader of the entry sees it erased; the sandbox operator still sees nothing', async () => {
    for (const key of ['credit-writer', 'regulator'] as const) {
      const read = await gateway.request<ErasedRead>('GET', `/v1/entries/${nameOf(created)}`, {
        key: gateway.keys[key],
      });
      expect(read.status, read.text).toBe(200);
      expect(read.body).toEqual(first.entry);
    }
    const hidden = await gateway.request('GET', `/v1/entries/${nameOf(created)}`, {
      key: gateway.keys['sandbox-writer'],
    });
    expect(hidden.status).toBe(404);
  });

  test('the erased entry is no longer found by its subject or its record; by its kind it is, erased', async () => {
    const list = async (query: string) => {
      const page = await gateway.request('GET', `/v1/entries?${query}`, {
        key: gateway.keys.regulator,
      });
      expect(page.status, page.text).toBe(200);
      return entryPageSchema.parse(page.body).items;
    };
    const byRecord = await list(`recordId=${encodeURIComponent(recordId)}`);
    expect(byRecord.map((entry) => entry.id)).toEqual([revoked.id]);
    const byStream = await list(`stream=${encodeURIComponent(`subject:${subject.ref}`)}`);
    expect(byStream.map((entry) => entry.id)).toEqual([revoked.id]);
    const byKind = await list(`kind=credit-change&from=${encodeURIComponent(created.committedAt)}`);
    expect(byKind.find((entry) => entry.id === created.id)?.erased?.erasureId).toBe(
      first.erasure.id,
    );
    const byErased = await list(`erasedEntryId=${encodeURIComponent(created.id)}`);
    expect(byErased.map((entry) => entry.id)).toEqual([first.erasure.id]);
  });

  test('the old payload still verifies against the erased entry', async () => {
    const verified = await post<{ verified: boolean }>(
      gateway,
      'regulator',
      '/v1/verify',
      createdRequest,
    );
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.verified).toBe(true);
    const altered = await post<{ verified: boolean }>(gateway, 'regulator', '/v1/verify', {
      ...createdRequest,
      payload: { ...createdRequest.payload, operator: 'someone-else' },
    });
    expect(altered.status, altered.text).toBe(200);
    expect(altered.body.verified).toBe(false);
  });

  test('proof bundles of the erased entry and of its erasure pass every check offline', async () => {
    for (const entry of [first.entry, first.erasure]) {
      const proof = await gateway.request<ProofBundle>(
        'GET',
        `/v1/entries/${nameOf(entry)}/proof`,
        { key: gateway.keys.regulator },
      );
      expect(proof.status, proof.text).toBe(200);
      expect(JSON.stringify(proof.body)).not.toContain(subject.ref);
      expect(checkBundle(proof.body, trust).filter((check) => !check.ok)).toEqual([]);
      // As the command line and the console read a saved bundle: from its text.
      const report = verifyBundleText(JSON.stringify(proof.body), trust);
      expect(report.checks.filter((check) => !check.ok)).toEqual([]);
      expect(report.verified).toBe(true);
    }
  });

  test('the regulator erases the record’s end too', async () => {
    const erased = await erase(gateway, 'regulator', nameOf(revoked));
    expect(erased.status, erased.text).toBe(201);
    expect(erased.body.erasure).toMatchObject({
      stream: 'erasure:CreditOrg',
      submitter: { mspId: 'RegulatorOrg', role: 'regulator' },
    });
    expect(erased.body.entry.erased.erasedBy.mspId).toBe('RegulatorOrg');
  });
});

describe('the retention sweep', () => {
  test('erases every entry whose retention ended, with the configured legal basis', async () => {
    const legalBasis = unique('《征信业管理条例》第十六条');
    const gateway = await startTestGateway({
      RETENTION_SWEEP_MS: '200',
      RETENTION_LEGAL_BASIS: legalBasis,
    });
    try {
      const recordId = unique('CR-swept');
      const subject = freshSubject();
      const created = await record(
        gateway,
        'credit-writer',
        change({ recordId, subject, change: 'create' }),
      );
      const expired = await record(
        gateway,
        'credit-writer',
        change(
          { recordId, subject, change: 'expire', before: created.payload.after, after: undefined },
          { erasableAfter: PAST },
        ),
      );
      const kept = await record(
        gateway,
        'credit-writer',
        change({ recordId: unique('CR-kept'), subject: freshSubject() }, { erasableAfter: FUTURE }),
      );
      for (const entry of [created, expired]) {
        const erased = await readUntilErased(gateway, nameOf(entry));
        expect(erased.erased).toMatchObject({ reason: 'retention period ended', legalBasis });
      }
      const stillThere = await gateway.request<AuditEntry>('GET', `/v1/entries/${nameOf(kept)}`, {
        key: gateway.keys.regulator,
      });
      expect(stillThere.body.payload).toEqual(kept.payload);
    } finally {
      await gateway.close();
    }
  });
});

async function readUntilErased(gateway: TestGateway, name: string): Promise<ErasedRead> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const read = await gateway.request<ErasedRead>('GET', `/v1/entries/${name}`, {
      key: gateway.keys.regulator,
    });
    expect(read.status, read.text).toBe(200);
    if ('erased' in read.body) {
      return read.body;
    }
    if (Date.now() > deadline) {
      throw new Error(`${name} was not erased by the sweep within 30 s`);
    }
    await new Promise((settle) => setTimeout(settle, 100));
  }
}
