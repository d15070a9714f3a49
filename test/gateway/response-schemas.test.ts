/**
 * Every answer of the API, on either ledger, matches the schema the OpenAPI document publishes
 * for it: the schemas are strict, so a field the document does not name fails here too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { z } from 'zod';
import {
  acceptedSchema,
  batchResponseSchema,
  callerSchema,
  entriesPerDaySchema,
  entryPageSchema,
  entrySchema,
  errorBodySchema,
  operationSchema,
  readinessSchema,
  subjectLookupSchema,
  trailReportSchema,
  verifyResponseSchema,
} from '../../gateway/src/http/api-schemas.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { RESIDENT_ID, creditChange, dataAccess, unique } from '../support/sample-entries.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(() => gateway.close());

function conforms(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
}

describe('responses match their published schemas', () => {
  test('the document publishes each response schema', async () => {
    const document = await gateway.request<{ components: { schemas: Record<string, unknown> } }>(
      'GET',
      '/openapi.json',
    );
    expect(Object.keys(document.body.components.schemas)).toEqual(
      expect.arrayContaining([
        'Entry',
        'EntryPage',
        'BatchResponse',
        'Accepted',
        'Operation',
        'VerifyResponse',
        'Readiness',
        'Caller',
        'TrailReport',
        'EntriesPerDay',
        'SubjectLookup',
        'Error',
      ]),
    );
  });

  test('entries, pages, batches, verdicts, operations, readiness and errors', async () => {
    const sandbox = gateway.keys['sandbox-writer'];
    const regulator = gateway.keys.regulator;
    const dataset = unique('schema-dataset');
    const sent = dataAccess({ sourceSeq: 1 }, { dataset: { id: dataset } });

    const created = await gateway.request('POST', '/v1/entries', { key: sandbox, body: sent });
    expect(created.status).toBe(201);
    conforms(entrySchema, created.body);
    conforms(
      entrySchema,
      (await gateway.request('POST', '/v1/entries', { key: sandbox, body: sent })).body,
    );
    conforms(
      entrySchema,
      (await gateway.request('GET', `/v1/entries/${sent.id}`, { key: regulator })).body,
    );
    conforms(
      entryPageSchema,
      (await gateway.request('GET', `/v1/entries?stream=dataset:${dataset}`, { key: regulator }))
        .body,
    );
    const batch = await gateway.request('POST', '/v1/entries/batch', {
      key: sandbox,
      body: { entries: [dataAccess(), creditChange()] },
    });
    conforms(batchResponseSchema, batch.body);
    conforms(
      verifyResponseSchema,
      (await gateway.request('POST', '/v1/verify', { key: regulator, body: sent })).body,
    );
    const accepted = await gateway.request<{ id: string }>('POST', '/v1/entries', {
      key: sandbox,
      body: dataAccess(),
      headers: { Prefer: 'respond-async' },
    });
    expect(accepted.status).toBe(202);
    conforms(acceptedSchema, accepted.body);
    conforms(
      operationSchema,
      (await gateway.request('GET', `/v1/operations/${accepted.body.id}`, { key: sandbox })).body,
    );
    conforms(readinessSchema, (await gateway.request('GET', '/readyz')).body);
    conforms(callerSchema, (await gateway.request('GET', '/v1/me', { key: regulator })).body);
    const source = (created.body as { source: string }).source;
    conforms(
      trailReportSchema,
      (
        await gateway.request('GET', `/v1/trails/verify?source=${encodeURIComponent(source)}`, {
          key: regulator,
        })
      ).body,
    );
    conforms(
      entriesPerDaySchema,
      (await gateway.request('GET', '/v1/statistics/entries-per-day', { key: regulator })).body,
    );
    conforms(
      subjectLookupSchema,
      (
        await gateway.request('POST', '/v1/subjects/lookup', {
          key: regulator,
          body: { idNumber: RESIDENT_ID },
        })
      ).body,
    );
    for (const failed of [
      await gateway.request('GET', '/v1/entries/nothing-here', { key: sandbox }),
      await gateway.request('POST', '/v1/entries', { key: sandbox, body: creditChange() }),
      await gateway.request('GET', '/v1/entries', { key: sandbox }),
      await gateway.request('GET', '/v1/entries'),
    ]) {
      expect(failed.status).toBeGreaterThanOrEqual(400);
      conforms(errorBodySchema, failed.body);
    }
  });
});
