/**
 * The API listener's own limits: a client that sends its request slowly, or holds connections
 * open, is cut off instead of holding the gateway's connections for minutes.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ REQUEST_TIMEOUT_MS: '1000', MAX_CONNECTIONS: '3' });
});

afterAll(async () => {
  await gateway.close();
});

function open(): Promise<Socket> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** What the server sent before it closed the connection, and how long that took. */
function untilClosed(socket: Socket): Promise<{ received: string; ms: number }> {
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    socket.once('close', () => {
      resolve({ received, ms: Date.now() - started });
    });
  });
}

describe('the API listener', () => {
  test('answers 408 and disconnects a client that sends its body too slowly', async () => {
    const socket = await open();
    const closed = untilClosed(socket);
    socket.write(
      `POST /v1/entries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gateway.keys['sandbox-writer']}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"kind":',
    );
    const { received, ms } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(5000);
  });

  test('disconnects a client that never finishes its headers', async () => {
    const socket = await open();
    const closed = untilClosed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const { ms } = await closed;
    expect(ms).toBeLessThan(5000);
  });

  test('closes connections beyond MAX_CONNECTIONS as they arrive', async () => {
    const held = await Promise.all([open(), open(), open()]);
    const extra = await open();
    const { received } = await untilClosed(extra);
    expect(received).toBe('');
    await Promise.all(
      held.map((socket) => {
        const closed = untilClosed(socket);
        socket.destroy();
        return closed;
      }),
    );
    // Once they are gone, requests are served again.
    const again = await open();
    const answered = untilClosed(again);
    again.end('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect((await answered).received).toMatch(/^HTTP\/1\.1 200/);
  });
});
