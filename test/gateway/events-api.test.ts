/**
 * Server-Sent Events and webhooks, black-box over HTTP on the ledger the suite runs on: a stream
 * resumes exactly after its last event across a killed gateway, a webhook receiver that was down
 * receives everything in order, signed as Standard Webhooks says, and nobody receives another
 * organisation's entries.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openEventStream, type ReceivedEvent } from '../support/event-stream.js';
import {
  TEST_LEDGER,
  ledgerEnvironment,
  startTestGateway,
  type TestGateway,
} from '../support/gateway-server.js';
import { spawnGateway, type GatewayProcess } from '../support/processes.js';
import { creditChange, dataAccess, unique } from '../support/sample-entries.js';

// Retries every few seconds at most, for long enough to outlast the receiver's minute down.
const RETRIES = {
  WEBHOOK_RETRY_BASE_MS: '200',
  WEBHOOK_RETRY_MAX_MS: '3000',
  WEBHOOK_MAX_ATTEMPTS: '100',
};

interface Delivery {
  id: string;
  type: string;
  data: { id: string; stream: string; source: string };
}

/** A webhook receiver on port 0 that checks each signature and answers what `answer` says. */
async function startReceiver(): Promise<{
  url: string;
  /** Messages it answered 2xx, in arrival order, with their checked signatures. */
  accepted: Delivery[];
  attempts: number;
  answer: (delivery: Delivery) => number;
  secret: string;
  close(): Promise<void>;
}> {
  const state = {
    accepted: [] as Delivery[],
    attempts: 0,
    answer: (_delivery: Delivery) => 200,
    secret: '',
  };
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((request, response) => {
    void read(request).then((body) => {
      state.attempts += 1;
      // The library made for Standard Webhooks checks id, timestamp and signature.
      const verified = new StandardWebhook(state.secret).verify(body, {
        'webhook-id': request.headers['webhook-id'] as string,
        'webhook-timestamp': request.headers['webhook-timestamp'] as string,
        'webhook-signature': request.headers['webhook-signature'] as string,
      }) as { type: string; data: Delivery['data'] };
      const delivery = {
        id: request.headers['webhook-id'] as string,
        type: verified.type,
        data: verified.data,
      };
      const status = state.answer(delivery);
      if (status < 300) {
        state.accepted.push(delivery);
      }
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  });
}

function byPosition(a: string, b: string): number {
  const [blockA = 0, indexA = 0] = a.split('.').map(Number);
  const [blockB = 0, indexB = 0] = b.split('.').map(Number);
  return blockA - blockB || indexA - indexB;
}

async function writeBatch(gateway: { url: string }, key: string, requests: unknown[]) {
  const response = await fetch(`${gateway.url}/v1/entries/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ entries: requests }),
  });
  const answer = { status: response.status, body: await response.json() };
  expect(answer).toMatchObject({ status: 200 });
  const { results } = answer.body as { results: { status: number }[] };
  expect(results.filter((result) => result.status !== 201)).toEqual([]);
}

const accessesTo = (dataset: string, count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) =>
    dataAccess({ id: `${prefix}-${index}` }, { dataset: { id: dataset } }),
  );

describe(`events on ${TEST_LEDGER}`, () => {
  let gateway: TestGateway;
  let dataDir: string;

  beforeAll(async () => {
    // A folder of the test's own, which outlives the gateway it restarts.
    dataDir = await mkdtemp(join(tmpdir(), 'audit-events-'));
    gateway = await startTestGateway({ ...RETRIES, DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a stream killed with its gateway resumes after its last event: every event once, in order', async () => {
    const dataset = unique('events-resume');
    const stream = `dataset:${dataset}`;
    const sandboxKey = gateway.keys['sandbox-writer'];
    const env = {
      ...ledgerEnvironment(),
      ...RETRIES,
      ...(TEST_LEDGER === 'fabric' ? { API_KEYS_FILE: join(dataDir, 'api-keys.json') } : {}),
    };
    await gateway.close();
    let running: GatewayProcess | undefined = await spawnGateway(dataDir, env);
    try {
      await writeBatch(running, sandboxKey, accessesTo(dataset, 40, unique('before-kill')));
      const headers = { authorization: `Bearer ${sandboxKey}` };
      const query = `/v1/events?stream=${encodeURIComponent(stream)}`;
      const first = await openEventStream(`${running.url}${query}`, headers);
      await first.waitFor(15);
      // Killed while the stream is open; whatever the client did not read is sent again.
      await running.kill();
      await first.ended;
      const received = [...first.events];
      running = await spawnGateway(dataDir, env);
      await writeBatch(running, sandboxKey, accessesTo(dataset, 20, unique('after-kill')));
      const lastId = received.at(-1)?.id ?? '';
      const second = await openEventStream(`${running.url}${query}`, {
        ...headers,
        'last-event-id': lastId,
      });
      await second.waitFor(60 - received.length);
      second.close();
      const all: ReceivedEvent[] = [...received, ...second.events];
      const ids = all.map((event) => event.id);
      expect(new Set(ids).size).toBe(60);
      expect([...ids].sort(byPosition)).toEqual(ids);
      expect(all.every((event) => event.event === 'entry.committed')).toBe(true);
      expect(new Set(all.map((event) => (event.data as { id: string }).id)).size).toBe(60);
    } finally {
      await running.kill();
      gateway = await startTestGateway({ ...RETRIES, DATA_DIR: dataDir });
    }
  }, 240_000);

  test('an idle stream sends heartbeats, and a bad Last-Event-ID or filter is a 400 naming it', async () => {
    const quiet = await startTestGateway({ EVENTS_HEARTBEAT_MS: '200' });
    try {
      const headers = { authorization: `Bearer ${quiet.keys.regulator}` };
      const stream = await openEventStream(
        `${quiet.url}/v1/events?stream=${encodeURIComponent(`dataset:${unique('nothing')}`)}`,
        headers,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      stream.close();
      expect(stream.comments).toBeGreaterThanOrEqual(3);

      const badId = await quiet.request('GET', '/v1/events', {
        key: quiet.keys.regulator,
        headers: { 'last-event-id': 'yesterday' },
      });
      expect(badId.status).toBe(400);
      expect(badId.body).toMatchObject({
        error: { code: 'INVALID_QUERY', details: [{ path: 'Last-Event-ID' }] },
      });
      const badKind = await quiet.request('GET', '/v1/events?kind=no-such-kind', {
        key: quiet.keys.regulator,
      });
      expect(badKind.status).toBe(400);
      expect(badKind.body).toMatchObject({ error: { details: [{ path: 'kind' }] } });
    } finally {
      await quiet.close();
    }
  }, 60_000);

  test("a writer's stream carries its own organisation's entries only; a regulator's carries both", async () => {
    const reference = unique('events-isolation');
    await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({ id: `${reference}-sandbox` }),
    });
    await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creditChange({ id: `${reference}-credit` }),
    });
    const streamOf = async (key: string, count: number) => {
      const stream = await openEventStream(`${gateway.url}/v1/events`, {
        authorization: `Bearer ${key}`,
      });
      const seen = () =>
        stream.events.filter((event) => (event.data as { id: string }).id.startsWith(reference));
      const deadline = Date.now() + 60_000;
      while (seen().length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A moment more, for an entry that should not come.
      await new Promise((resolve) => setTimeout(resolve, 500));
      stream.close();
      return seen().map((event) => (event.data as { id: string }).id);
    };
    expect(await streamOf(gateway.keys['sandbox-writer'], 1)).toEqual([`${reference}-sandbox`]);
    expect(await streamOf(gateway.keys['credit-writer'], 1)).toEqual([`${reference}-credit`]);
    expect((await streamOf(gateway.keys.regulator, 2)).sort()).toEqual([
      `${reference}-credit`,
      `${reference}-sandbox`,
    ]);
  }, 240_000);

  test('a webhook receiver down for a minute receives everything, in order, each once, signed', async () => {
    const receiver = await startReceiver();
    try {
      const dataset = unique('webhook-outage');
      const created = await gateway.request<{ id: string; secret: string }>(
        'POST',
        '/v1/webhooks',
        {
          key: gateway.keys['sandbox-writer'],
          body: { url: receiver.url, filter: { stream: `dataset:${dataset}` } },
        },
      );
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      receiver.secret = created.body.secret;
      const downUntil = Date.now() + 60_000;
      receiver.answer = () => (Date.now() < downUntil ? 503 : 200);
      for (let round = 0; round < 3; round += 1) {
        await writeBatch(
          gateway,
          gateway.keys['sandbox-writer'],
          accessesTo(dataset, 10, unique(`outage-${round}`)),
        );
      }
      const deadline = Date.now() + 120_000;
      while (receiver.accepted.length < 30 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const ids = receiver.accepted.map((delivery) => delivery.id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
      expect([...ids].sort(byPosition)).toEqual(ids);
      expect(receiver.attempts).toBeGreaterThan(30);
      expect(receiver.accepted.every((delivery) => delivery.type === 'entry.committed')).toBe(true);
      const state = await gateway.request<{ deliveredThrough: string; retry?: unknown }>(
        'GET',
        `/v1/webhooks/${created.body.id}`,
        { key: gateway.keys['sandbox-writer'] },
      );
      expect(state.body).toMatchObject({ deliveredThrough: ids.at(-1) });
      expect(state.body.retry).toBeUndefined();
    } finally {
      await receiver.close();
    }
  }, 240_000);

  test('an event that exhausts its attempts waits as a dead letter, the next go on, and a replay delivers it', async () => {
    const receiver = await startReceiver();
    const strict = await startTestGateway({ ...RETRIES, WEBHOOK_MAX_ATTEMPTS: '2' });
    try {
      const dataset = unique('webhook-dead-letter');
      const key = strict.keys['sandbox-writer'];
      const created = await strict.request<{ id: string; secret: string }>('POST', '/v1/webhooks', {
        key,
        body: { url: receiver.url, filter: { stream: `dataset:${dataset}` } },
      });
      receiver.secret = created.body.secret;
      const poisoned = unique('poisoned');
      let refusing = true;
      receiver.answer = (delivery) => (refusing && delivery.data.id === poisoned ? 500 : 200);
      await writeBatch(strict, key, [
        dataAccess({ id: poisoned }, { dataset: { id: dataset } }),
        ...accessesTo(dataset, 3, unique('healthy')),
      ]);
      const deadline = Date.now() + 60_000;
      while (receiver.accepted.length < 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(receiver.accepted.map((delivery) => delivery.data.id)).not.toContain(poisoned);
      const letters = await strict.request<{ items: { eventId: string; attempts: number }[] }>(
        'GET',
        `/v1/webhooks/${created.body.id}/dead-letters`,
        { key },
      );
      expect(letters.body.items).toHaveLength(1);
      expect(letters.body.items[0]?.attempts).toBe(2);

      refusing = false;
      const replay = await strict.request(
        'POST',
        `/v1/webhooks/${created.body.id}/dead-letters/replay`,
        {
          key,
        },
      );
      expect(replay.status).toBe(202);
      while (receiver.accepted.length < 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(receiver.accepted.at(-1)?.data.id).toBe(poisoned);
      expect(receiver.accepted.at(-1)?.id).toBe(letters.body.items[0]?.eventId);
      const after = await strict.request<{ items: unknown[] }>(
        'GET',
        `/v1/webhooks/${created.body.id}/dead-letters`,
        { key },
      );
      expect(after.body.items).toEqual([]);

      // Another key's caller sees nothing of this webhook.
      const foreign = await strict.request('GET', `/v1/webhooks/${created.body.id}`, {
        key: strict.keys['credit-writer'],
      });
      expect(foreign.status).toBe(404);
    } finally {
      await strict.close();
      await receiver.close();
    }
  }, 120_000);

  test('a webhook with a bad URL or filter is refused naming the field; nothing is stored', async () => {
    const key = gateway.keys['sandbox-writer'];
    for (const [body, path] of [
      [{ url: 'ftp://example.org/hook' }, 'url'],
      [{ url: 'http://127.0.0.1:1/hook', filter: { kind: 'no-such-kind' } }, 'kind'],
      [{ url: 'http://127.0.0.1:1/hook', topic: 'findings', filter: { stream: 'x' } }, 'filter'],
      [{ url: 'http://127.0.0.1:1/hook', extra: true }, ''],
    ] as const) {
      const refused = await gateway.request('POST', '/v1/webhooks', { key, body });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain(`"path":"${path}`);
    }
    const listed = await gateway.request<{ items: { url: string }[] }>('GET', '/v1/webhooks', {
      key,
    });
    expect(listed.body.items.every((webhook) => !webhook.url.startsWith('ftp:'))).toBe(true);
    expect(listed.body.items.some((webhook) => webhook.url === 'http://127.0.0.1:1/hook')).toBe(
      false,
    );
  });
});

describe(`events older than the bodies a gateway keeps, on ${TEST_LEDGER}`, () => {
  let gateway: TestGateway;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'audit-events-kept-'));
    // No day of bodies kept: every event is read again from its block.
    gateway = await startTestGateway({
      ...RETRIES,
      DATA_DIR: dataDir,
      EVENTS_KEEP_DAYS: '0',
      COMPLIANCE_SWEEP_MS: '100',
    });
  });

  afterAll(async () => {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** How many of a stream's logged entries have had their bodies dropped from the database. */
  function droppedBodies(stream: string): number {
    const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare<[string], { dropped: number }>(
          `SELECT count(*) AS dropped FROM entry_events e WHERE stream = ? AND e.body = ''
           AND NOT EXISTS (SELECT 1 FROM entry_bodies b WHERE b.block = e.block AND b.idx = e.idx)`,
        )
        .get(stream);
      return row?.dropped ?? 0;
    } finally {
      db.close();
    }
  }

  test('streams and webhooks still deliver every entry whole, in order, read from the blocks', async () => {
    const dataset = unique('events-dropped');
    const stream = `dataset:${dataset}`;
    const key = gateway.keys['sandbox-writer'];
    // More than a stream's page (200) and a block's transaction (500): pages resume mid-block.
    for (let round = 0; round < 3; round += 1) {
      await writeBatch(gateway, key, accessesTo(dataset, 250, unique(`dropped-${round}`)));
    }
    const deadline = Date.now() + 60_000;
    while (droppedBodies(stream) < 750 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(droppedBodies(stream)).toBe(750);

    const receiver = await startReceiver();
    try {
      const created = await gateway.request<{ id: string; secret: string }>(
        'POST',
        '/v1/webhooks',
        { key, body: { url: receiver.url, filter: { stream }, from: 'start' } },
      );
      expect(created.status).toBe(201);
      receiver.secret = created.body.secret;

      const events = await openEventStream(
        `${gateway.url}/v1/events?stream=${encodeURIComponent(stream)}`,
        { authorization: `Bearer ${key}` },
      );
      const received = await events.waitFor(750);
      events.close();
      const ids = received.map((event) => event.id);
      expect(new Set(ids).size).toBe(750);
      expect([...ids].sort(byPosition)).toEqual(ids);
      // Each event is the entry as the API answers it, byte for byte once parsed.
      for (const event of received.filter((_, index) => index % 50 === 0 || index === 749)) {
        const { id } = event.data as { id: string };
        const read = await gateway.request('GET', `/v1/entries/${id}`, { key });
        expect(event.data).toEqual(read.body);
      }

      const webhookDeadline = Date.now() + 60_000;
      while (receiver.accepted.length < 750 && Date.now() < webhookDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(receiver.accepted.map((delivery) => delivery.id)).toEqual(ids);
      expect(receiver.accepted.map((delivery) => delivery.data.id)).toEqual(
        received.map((event) => (event.data as { id: string }).id),
      );
    } finally {
      await receiver.close();
    }
  }, 240_000);
});
