/**
 * A stream's writes to a slow client: the wait for the client to drain ends when the client goes,
 * even when it went before the wait began, and no wait leaves a listener behind.
 */
import { getEventListeners, once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { writeToClient } from '../../gateway/src/http/server-sent-events.js';

/** More than the client's and the kernel's buffers hold, so a write waits for the client. */
const BIG = 'x'.repeat(32 * 1024 * 1024);

let server: Server | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

interface Answered {
  response: ServerResponse;
  gone: AbortController;
}

/** A server whose one response is handed over, and a client that sent its request and reads nothing. */
async function slowClient(): Promise<Answered> {
  let answer: ((answered: Answered) => void) | undefined;
  const answered = new Promise<Answered>((resolve) => {
    answer = resolve;
  });
  const listening = createServer((_request, response) => {
    const gone = new AbortController();
    response.once('close', () => {
      gone.abort();
    });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    answer?.({ response, gone });
  });
  server = listening;
  listening.listen(0, '127.0.0.1');
  await once(listening, 'listening');
  const { port } = listening.address() as AddressInfo;
  client = connect(port, '127.0.0.1');
  client.pause();
  client.write('GET /v1/events HTTP/1.1\r\nHost: test\r\n\r\n');
  return answered;
}

test('a client going while the stream waits for it ends the wait, false', async () => {
  const { response, gone } = await slowClient();
  const written = writeToClient(response, BIG, gone.signal);
  setTimeout(() => client?.destroy(), 50);
  expect(await written).toBe(false);
  expect(getEventListeners(gone.signal, 'abort')).toHaveLength(0);
  expect(response.listenerCount('drain')).toBe(0);
});

test('a client gone before the wait began ends it at once', async () => {
  const { response, gone } = await slowClient();
  client?.destroy();
  await once(response, 'close');
  expect(gone.signal.aborted).toBe(true);
  expect(await writeToClient(response, BIG, gone.signal)).toBe(false);
});

test('a client that reads on makes the wait true, and waits leave no listener behind', async () => {
  const { response, gone } = await slowClient();
  client?.resume();
  for (let wait = 0; wait < 20; wait += 1) {
    expect(await writeToClient(response, 'x'.repeat(1024 * 1024), gone.signal)).toBe(true);
  }
  expect(getEventListeners(gone.signal, 'abort')).toHaveLength(0);
  expect(response.listenerCount('drain')).toBe(0);
});
