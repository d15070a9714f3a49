import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TrailProgress, TrailReport } from '../../gateway/src/services/trail-check.js';
import {
  startTestGateway,
  TEST_LEDGER,
  type ErrorBody,
  type TestGateway,
} from '../support/gateway-server.js';
import { dataAccess, unique } from '../support/sample-entries.js';

// The dataset this file writes and checks trails of: its own, on a ledger that keeps earlier runs.
const TRAIL_DATASET = unique('trail-ds');
const STREAM_A = unique('stream-a');

let gateway: TestGateway;

beforeEach(async () => {
  gateway = await startTestGateway();
});
afterEach(() => gateway.close());

async function write(sourceSeq: number | undefined, dataset = TRAIL_DATASET) {
  const request = dataAccess(sourceSeq === undefined ? {} : { sourceSeq }, {
    dataset: { id: dataset },
  });
  const response = await gateway.request<{ id: string }>('POST', '/v1/entries', {
    key: gateway.keys['sandbox-writer'],
    body: request,
  });
  expect(response.status).toBe(201);
  return response.body.id;
}

function verifyTrail(query: string, key = gateway.keys.regulator) {
  return gateway.request<TrailReport>('GET', `/v1/trails/verify?${query}`, { key });
}

describe('GET /v1/trails/verify', () => {
  test('a source that numbered every entry without a hole is complete', async () => {
    for (const seq of [1, 2, 3, 4]) {
      await write(seq);
    }
    const response = await verifyTrail(
      `source=${encodeURIComponent(gateway.sourceOf('sandbox-writer'))}`,
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      complete: true,
      entries: 4,
      truncated: false,
      sourceSeq: { first: 1, last: 4, gaps: [], unsequenced: 0 },
      outOfOrder: [],
      digestMismatches: [],
      ledgerIntegrity: { ok: true },
      // On Fabric, every organisation's peer is read and holds the same trail.
      peers:
        TEST_LEDGER === 'fabric'
          ? {
              checked: true,
              detail: 'the trail is the same on the peers of SandboxOrg, CreditOrg, RegulatorOrg',
              differing: [],
            }
          : { checked: false, differing: [] },
    });
  });

  test('missing sequence numbers are reported as gaps, including a missing start', async () => {
    for (const seq of [2, 3, 6, 7, 9]) {
      await write(seq);
    }
    const response = await verifyTrail(
      `source=${encodeURIComponent(gateway.sourceOf('sandbox-writer'))}`,
    );

    expect(response.body.complete).toBe(false);
    expect(response.body.sourceSeq?.gaps).toEqual([
      { from: 1, to: 1 },
      { from: 4, to: 5 },
      { from: 8, to: 8 },
    ]);
  });

  test('a number committed after a higher one is out of order', async () => {
    await write(1);
    await write(3);
    const late = await write(2);
    const response = await verifyTrail(
      `source=${encodeURIComponent(gateway.sourceOf('sandbox-writer'))}`,
    );

    expect(response.body.complete).toBe(false);
    expect(response.body.sourceSeq?.gaps).toEqual([]);
    expect(response.body.outOfOrder).toEqual([{ id: late, sourceSeq: 2, after: 3 }]);
  });

  test('a stream is checked for order per source and for digests', async () => {
    await write(1, STREAM_A);
    await write(2, unique('stream-b'));
    await write(3, STREAM_A);
    const response = await verifyTrail(`stream=dataset:${STREAM_A}`);

    expect(response.body).toMatchObject({
      complete: true,
      entries: 2,
      outOfOrder: [],
      digestMismatches: [],
    });
    expect(response.body.sourceSeq).toBeUndefined();
  });

  test('a time window starts the numbering at its first entry', async () => {
    await write(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    await write(2);
    await write(3);
    const response = await verifyTrail(
      `source=${encodeURIComponent(gateway.sourceOf('sandbox-writer'))}&from=${encodeURIComponent(since)}`,
    );

    expect(response.body).toMatchObject({
      complete: true,
      entries: 2,
      sourceSeq: { first: 2, gaps: [] },
    });
  });

  test.each([
    ['neither source nor stream', 'from=2026-01-01T00:00:00Z', 'source'],
    ['a bad time', 'source=x&to=tomorrow', 'to'],
    ['an unknown parameter', 'source=x&kind=data-access', 'kind'],
    ['a source with a control character, refused by the ledger', 'source=a%01b', 'source'],
    ['a stream too long for the ledger', `stream=${'s'.repeat(300)}`, 'stream'],
  ])('%s is 400 INVALID_QUERY', async (_case, query, path) => {
    const response = await gateway.request<ErrorBody>('GET', `/v1/trails/verify?${query}`, {
      key: gateway.keys.regulator,
    });
    expect([response.status, response.body.error.code]).toEqual([400, 'INVALID_QUERY']);
    expect(response.body.error.details?.map((detail) => detail.path)).toContain(path);
  });
});

describe('GET /v1/trails/verify, streamed (Accept: application/x-ndjson)', () => {
  const streamed = (query: string) =>
    gateway.request('GET', `/v1/trails/verify?${query}`, {
      key: gateway.keys.regulator,
      headers: { accept: 'application/x-ndjson' },
    });

  test('progress lines, then the same report the JSON answer gives', async () => {
    const dataset = unique('streamed-ds');
    for (const seq of [1, 2, 3]) {
      await write(seq, dataset);
    }
    const query = `stream=${encodeURIComponent(`dataset:${dataset}`)}`;
    const response = await streamed(query);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = response.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ report: (await verifyTrail(query)).body });
    expect(lines.at(-1)).toMatchObject({ report: { complete: true, entries: 3 } });
    const progress = lines.slice(0, -1).map((line) => line.progress as TrailProgress);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((line) => ['reading', 'comparing'].includes(line.phase))).toBe(true);
  });

  test('a refused query still answers with its own status and error body', async () => {
    const response = await streamed('from=2026-01-01T00:00:00Z');
    expect(response.status).toBe(400);
    expect((response.body as ErrorBody).error.code).toBe('INVALID_QUERY');
  });
});
