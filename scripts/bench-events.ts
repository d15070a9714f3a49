import { createServer, get, type IncomingMessage } from 'node:http';
import type { Gateway } from './bench-gateway';

/** Commit-to-delivery latencies, in milliseconds, of each way events leave the gateway. */
export interface EventLatencies {
  sse: number[];
  webhook: number[];
}

export interface EventWatch {
  /** Waits until both have received `entries` events or `timeoutMs` passed; then stops. */
  stop(entries: number, timeoutMs: number): Promise<EventLatencies>;
}

/** An entry's ledger time (`…T09:30:00.123456789Z`) in epoch milliseconds. */
function committedAtMs(committedAt: string): number {
  return Date.parse(`${committedAt.slice(0, 23)}Z`);
}

function bodyOf(message: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.once('end', () => {
      done(Buffer.concat(chunks).toString('utf8'));
    });
    message.once('error', fail);
  });
}

/**
 * Watches the gateway's events while a load runs, as an integrator would: one Server-Sent
 * Events stream and one webhook, both subscribed to every entry the load's writer makes, timing
 * each from the entry's commit to its arrival. The load writes as the sandbox writer; the
 * stream reads as the regulator.
 */
export async function watchEvents(gateway: Gateway): Promise<EventWatch> {
  const latencies: EventLatencies = { sse: [], webhook: [] };
  // The stream starts at the ledger's first entry: earlier runs' entries are not this load's.
  const watchedFrom = Date.now();
  const record = (channel: keyof EventLatencies, committedAt: string) => {
    const committed = committedAtMs(committedAt);
    if (committed >= watchedFrom) {
      latencies[channel].push(Date.now() - committed);
    }
  };
  const receiver = createServer((incoming, outgoing) => {
    void bodyOf(incoming).then((body) => {
      const { data } = JSON.parse(body) as { data: { committedAt: string } };
      record('webhook', data.committedAt);
      outgoing.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const created = await fetch(`${gateway.url}/v1/webhooks`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${gateway.keys['sandbox-writer'] ?? ''}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/`, from: 'now' }),
  });
  if (created.status !== 201) {
    throw new Error(`the webhook was refused: ${created.status} ${await created.text()}`);
  }

  const stream = get(`${gateway.url}/v1/events`, {
    headers: { authorization: `Bearer ${gateway.keys.regulator ?? ''}` },
  });
  let buffered = '';
  stream.once('response', (response) => {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffered += chunk;
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const data = /^data: (.*)$/m.exec(buffered.slice(0, end))?.[1];
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
        if (data !== undefined) {
          const { committedAt } = JSON.parse(data) as { committedAt: string };
          record('sse', committedAt);
        }
      }
    });
  });
  stream.on('error', () => undefined);

  return {
    async stop(entries, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (
        (latencies.sse.length < entries || latencies.webhook.length < entries) &&
        Date.now() < deadline
      ) {
        await new Promise((wait) => setTimeout(wait, 100));
      }
      stream.destroy();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
      return {
        sse: [...latencies.sse].sort((a, b) => a - b),
        webhook: [...latencies.webhook].sort((a, b) => a - b),
      };
    },
  };
}
