/**
 * What a writer learns about entries it may not read: nothing, not through a page, nor through
 * a cursor. Cursors are opaque and good for one caller and one query only.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';

interface Page {
  items: LedgerEntry[];
  nextCursor: string | null;
}

let gateway: TestGateway;
const recordId = unique('CR-hidden');
const dataset = unique('hidden-dataset');

async function list(key: string, query: string) {
  return gateway.request<Page & ErrorBody>('GET', `/v1/entries?${query}`, { key });
}

beforeAll(async () => {
  gateway = await startTestGateway();
  for (let index = 0; index < 3; index += 1) {
    const credit = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creditChange({}, { recordId }),
    });
    expect(credit.status, credit.text).toBe(201);
    const access = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({}, { dataset: { id: dataset } }),
    });
    expect(access.status, access.text).toBe(201);
  }
});

afterAll(async () => {
  await gateway.close();
});

describe("another organisation's entries", () => {
  test('a page of entries the caller may not read is empty and has no cursor', async () => {
    const page = await list(gateway.keys['sandbox-writer'], `recordId=${recordId}&limit=1`);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ items: [], nextCursor: null });
  });

  test('the regulator pages through the same entries one by one', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page } = await list(
        gateway.keys.regulator,
        `recordId=${recordId}&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      seen.push(...page.body.items.map((entry) => entry.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(3);
  });
});

describe("many of another organisation's entries where the caller's has none", () => {
  /** More of another organisation's rows than a page's first reads take. */
  const MANY = 2500;
  const crowdedRecord = unique('CR-crowded');
  const subject = `hmac-sha256:${createHash('sha256').update(unique('crowded-subject')).digest('hex')}`;

  beforeAll(async () => {
    for (let written = 0; written < MANY; written += 500) {
      const batch = await gateway.request('POST', '/v1/entries/batch', {
        key: gateway.keys['credit-writer'],
        body: {
          entries: Array.from({ length: 500 }, () =>
            creditChange(
              {},
              { recordId: crowdedRecord, subject: { type: 'organization', ref: subject } },
            ),
          ),
        },
      });
      expect(batch.status, batch.text).toBe(200);
    }
  }, 600_000);

  test.each([1, 100, 500])('pages of %i are empty and carry no cursor', async (limit) => {
    for (const query of [`recordId=${crowdedRecord}`, `stream=subject:${subject}`]) {
      const page = await list(gateway.keys['sandbox-writer'], `${query}&limit=${limit}`);
      expect(page.status, page.text).toBe(200);
      expect(page.body).toEqual({ items: [], nextCursor: null });
    }
  });

  test('the regulator still pages through all of them', async () => {
    let seen = 0;
    let cursor: string | null = null;
    do {
      const page: { body: Page } = await list(
        gateway.keys.regulator,
        `recordId=${crowdedRecord}&limit=500${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      seen += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toBe(MANY);
  });
});

describe('cursors', () => {
  async function firstCursor(): Promise<string> {
    const page = await list(gateway.keys.regulator, `stream=dataset:${dataset}&limit=1`);
    expect(page.body.nextCursor).not.toBeNull();
    return page.body.nextCursor ?? '';
  }

  test('reveal no commit position: no commit time, no transaction id', async () => {
    const cursor = await firstCursor();
    const page = await list(gateway.keys.regulator, `stream=dataset:${dataset}&limit=3`);
    const bytes = Buffer.from(cursor, 'base64url');
    for (const entry of page.body.items) {
      expect(bytes.includes(Buffer.from(entry.txId))).toBe(false);
      expect(bytes.includes(Buffer.from(entry.committedAt.slice(0, 19)))).toBe(false);
    }
    expect(bytes.includes(Buffer.from(dataset))).toBe(false);
  });

  test('work for the caller and the query they were issued for, and no other', async () => {
    const cursor = await firstCursor();
    const next = await list(
      gateway.keys.regulator,
      `stream=dataset:${dataset}&limit=1&cursor=${cursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);

    for (const [key, query] of [
      [gateway.keys['sandbox-writer'], `stream=dataset:${dataset}&limit=1`],
      [gateway.keys.regulator, `stream=dataset:${dataset}-other&limit=1`],
      [gateway.keys.regulator, `kind=data-access&limit=1`],
      [gateway.keys.regulator, `stream=dataset:${dataset}&from=2020-01-01T00:00:00Z&limit=1`],
    ] as const) {
      const refused = await list(key, `${query}&cursor=${cursor}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('INVALID_QUERY');
      expect(refused.body.error.details?.map((detail) => detail.path)).toEqual(['cursor']);
    }
  });

  test('one changed character makes a cursor invalid', async () => {
    const cursor = await firstCursor();
    const changed = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;
    const refused = await list(
      gateway.keys.regulator,
      `stream=dataset:${dataset}&limit=1&cursor=${changed}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('INVALID_QUERY');
  });
});
