/**
 * Every kind the ledger records, each from its own examples, end to end through the API on
 * either ledger: written by the role its module names, found by its stream and by each of its
 * indexes, verified, and proven by a bundle that passes every check offline.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { standardKinds } from '../../chaincode/src/index.js';
import {
  entryPageSchema,
  entrySchema,
  kindCatalogueSchema,
  subjectLookupSchema,
} from '../../gateway/src/http/api-schemas.js';
import type { ProofBundle } from '../../verifier/src/proof-bundle.js';
import { trustFile, type TrustFile } from '../../verifier/src/transparency/trust-file.js';
import { checkBundle } from '../../verifier/src/bundle-checks.js';
import {
  TEST_LEDGER,
  startTestGateway,
  type ErrorBody,
  type TestGateway,
} from '../support/gateway-server.js';
import { CREDIT_CODE, RESIDENT_ID, unique } from '../support/sample-entries.js';

let gateway: TestGateway;
let trust: TrustFile;
/** Entries of earlier runs stay on a Fabric ledger: queries look from this run's start on. */
let since: string;

// A kind only a transaction of its own records (an erasure) is tested with it: erasure.test.ts.
const examples = standardKinds.versions
  .filter((version) => version.recordedBy === undefined)
  .flatMap((version) =>
    version.examples.map((example, index) => ({
      version,
      example,
      id: unique(`${version.kind}-v${version.version}-${index}`),
    })),
  );

function keyOf(role: keyof TestGateway['keys']): string {
  return gateway.keys[role];
}

beforeAll(async () => {
  since = new Date(Date.now() - 1000).toISOString();
  gateway = await startTestGateway();
  const trustPath =
    TEST_LEDGER === 'fabric'
      ? resolve(__dirname, '../../network/.state/trust.json')
      : join(gateway.dataDir, 'trust.json');
  trust = trustFile.parse(JSON.parse(await readFile(trustPath, 'utf8')));
});

afterAll(() => gateway.close());

describe.each(examples)('$version.kind v$version.version: “$example.summary”', (item) => {
  const { version, example, id } = item;
  const request = { kind: version.kind, id, payload: example.payload };
  const writer = version.writers[0] ?? 'regulator';

  test('is written by its role and read back as written, with its version', async () => {
    const written = await gateway.request('POST', '/v1/entries', {
      key: keyOf(writer),
      body: request,
    });
    expect(written.status, written.text).toBe(201);
    const entry = entrySchema.parse(written.body);
    expect(entry).toMatchObject({ ...request, kindVersion: 1 });
    expect(entry.stream).toBe(version.stream(example.payload));
  });

  test('is found by its stream, its kind, its source and each of its own indexes', async () => {
    const partitions = standardKinds.indexPartitions({
      ...request,
      kindVersion: 1,
      payload: example.payload as Record<string, unknown>,
      stream: version.stream(example.payload),
      source: gateway.sourceOf(writer),
    });
    expect(partitions.length).toBeGreaterThanOrEqual(3 + version.indexNames.length);
    for (const [index, value] of partitions) {
      const query = new URLSearchParams({ [index]: value, from: since, limit: '500' });
      const page = await gateway.request('GET', `/v1/entries?${query.toString()}`, {
        key: keyOf('regulator'),
      });
      expect(page.status, `${index}=${value}: ${page.text}`).toBe(200);
      const ids = entryPageSchema.parse(page.body).items.map((found) => found.id);
      expect(ids, `${index}=${value}`).toContain(id);
    }
  });

  test('verifies, and its proof bundle passes every check offline', async () => {
    const verified = await gateway.request<{ verified: boolean }>('POST', '/v1/verify', {
      key: keyOf('regulator'),
      body: request,
    });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body.verified).toBe(true);

    const proof = await gateway.request<ProofBundle>('GET', `/v1/entries/${id}/proof`, {
      key: keyOf('regulator'),
    });
    expect(proof.status, proof.text).toBe(200);
    expect(checkBundle(proof.body, trust).filter((check) => !check.ok)).toEqual([]);
  });
});

describe('the platform’s kinds at the API', () => {
  test('GET /v1/kinds lists every kind, its versions, writers, indexes, schema and examples', async () => {
    const answer = await gateway.request('GET', '/v1/kinds', { key: keyOf('sandbox-writer') });
    expect(answer.status, answer.text).toBe(200);
    const catalogue = kindCatalogueSchema.parse(answer.body);
    expect(catalogue.indexes).toEqual(standardKinds.indexes);
    expect(catalogue.kinds.map((kind) => kind.kind)).toEqual(standardKinds.kinds);
    const decision = catalogue.kinds.find((kind) => kind.kind === 'approval-decision');
    expect(decision?.title).toEqual({ en: 'approval by credit', 'zh-CN': '信用审批决定' });
    expect(decision?.versions[0]).toMatchObject({
      version: 1,
      writers: ['credit-writer'],
      indexes: ['matterId'],
      subjectFields: ['applicant'],
    });
    expect(JSON.stringify(decision?.versions[0]?.payloadSchema)).toContain('idNumber');
  });

  test('an applicant and a shared file’s subject arrive as numbers and are kept as pseudonyms', async () => {
    const lookup = async (idNumber: string) =>
      subjectLookupSchema.parse(
        (
          await gateway.request('POST', '/v1/subjects/lookup', {
            key: keyOf('regulator'),
            body: { idNumber },
          })
        ).body,
      );
    const [decisionExample] = standardKinds.find('approval-decision', 1)?.examples ?? [];
    const [shareExample] = standardKinds.find('credit-share', 1)?.examples ?? [];
    const decision = await gateway.request('POST', '/v1/entries', {
      key: keyOf('credit-writer'),
      body: {
        kind: 'approval-decision',
        id: unique('decision-by-number'),
        payload: {
          ...(decisionExample?.payload as object),
          applicant: { type: 'organization', idNumber: CREDIT_CODE },
        },
      },
    });
    expect(decision.status, decision.text).toBe(201);
    const share = await gateway.request('POST', '/v1/entries', {
      key: keyOf('credit-writer'),
      body: {
        kind: 'credit-share',
        id: unique('share-by-number'),
        payload: {
          ...(shareExample?.payload as object),
          subject: { type: 'person', idNumber: RESIDENT_ID.toLowerCase() },
        },
      },
    });
    expect(share.status, share.text).toBe(201);
    const company = await lookup(CREDIT_CODE);
    const person = await lookup(RESIDENT_ID);
    expect(entrySchema.parse(decision.body).payload?.applicant).toEqual({
      type: 'organization',
      ref: company.subject.ref,
    });
    expect(entrySchema.parse(decision.body).stream).toBe(company.stream);
    expect(entrySchema.parse(share.body).payload?.subject).toEqual({
      type: 'person',
      ref: person.subject.ref,
    });
    for (const body of [decision.text, share.text]) {
      expect(body).not.toContain(CREDIT_CODE);
      expect(body.toUpperCase()).not.toContain(RESIDENT_ID);
    }
  });

  test('a number anywhere but a subject field is refused, naming the field', async () => {
    const [exported] = standardKinds.find('result-export', 1)?.examples ?? [];
    const payload = exported?.payload as { review: object };
    const answer = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: keyOf('sandbox-writer'),
      body: {
        kind: 'result-export',
        payload: { ...payload, review: { ...payload.review, approvedBy: `ID ${RESIDENT_ID}` } },
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('PERSONAL_DATA');
    expect(answer.body.error.details).toEqual([
      { path: 'payload.review.approvedBy', message: 'contains a national identifier' },
    ]);
  });

  test('each kind is written only by the role its module names', async () => {
    const [share] = standardKinds.find('credit-share', 1)?.examples ?? [];
    const [round] = standardKinds.find('federated-round', 1)?.examples ?? [];
    const bySandbox = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: keyOf('sandbox-writer'),
      body: { kind: 'credit-share', payload: share?.payload },
    });
    const byCredit = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: keyOf('credit-writer'),
      body: { kind: 'federated-round', payload: round?.payload },
    });
    const byRegulator = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: keyOf('regulator'),
      body: { kind: 'credit-share', payload: share?.payload },
    });
    for (const [answer, role] of [
      [bySandbox, 'sandbox-writer'],
      [byCredit, 'credit-writer'],
      [byRegulator, 'regulator'],
    ] as const) {
      expect(answer.status).toBe(403);
      expect(answer.body.error.details).toEqual([
        { path: 'kind', message: `is not writable by role ${role}` },
      ]);
    }
  });

  test('a version the kind does not have is refused, naming the versions it has', async () => {
    const [admission] = standardKinds.find('team-admission', 1)?.examples ?? [];
    const answer = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key: keyOf('sandbox-writer'),
      body: { kind: 'team-admission', kindVersion: 2, payload: admission?.payload },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'INVALID_ENTRY',
      details: [{ path: 'kindVersion', message: 'must be one of 1 for kind team-admission' }],
    });
  });
});
