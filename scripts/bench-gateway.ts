import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The gateway as a process of its own on a fresh data folder, as the benchmarks drive it. */

const MAIN = require.resolve('@audit-ledger/gateway/dist/main.js');
// As `npm start` runs the gateway: with its heap budget, which keeps its memory bounded.
const GATEWAY_NODE_FLAGS = ['--max-old-space-size=512'];

export interface Gateway {
  url: string;
  /** Where its Prometheus metrics are served. */
  metricsUrl: string;
  keys: Record<string, string>;
  child: ChildProcess;
  dataDir: string;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        done(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

export async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'audit-bench-'));
  const port = await freePort();
  const metricsPort = await freePort();
  // Request logs off (warn): the benchmark measures the ledger path, not log throughput.
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, MAIN], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error('the gateway did not become ready');
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  const keys = JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as Record<
    string,
    string
  >;
  return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, keys, child, dataDir };
}

/**
 * Writes `entries` in one batch with `role`'s development key, and fails, saying why, unless
 * every one of them committed.
 */
export async function writeBatch(
  gateway: Gateway,
  role: string,
  entries: readonly unknown[],
): Promise<void> {
  const response = await fetch(`${gateway.url}/v1/entries/batch`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${gateway.keys[role] ?? ''}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ entries }),
  });
  const answer = (await response.json()) as { results?: { status: number }[] };
  const refused = answer.results?.find((result) => result.status !== 201);
  if (!response.ok || answer.results?.length !== entries.length || refused !== undefined) {
    throw new Error(
      `a batch of ${entries.length} was refused: ${response.status} ${JSON.stringify(refused ?? answer)}`,
    );
  }
}

export async function stopGateway(gateway: Gateway): Promise<void> {
  const exited = new Promise((done) => gateway.child.once('exit', done));
  gateway.child.kill('SIGTERM');
  await exited;
  await rm(gateway.dataDir, { recursive: true, force: true });
}

/** User plus system CPU time of a process, from /proc (Linux reports it in 1/100 s). */
export async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMb(pid: number | undefined): Promise<number> {
  return readFile(`/proc/${String(pid)}/status`, 'utf8').then(
    (status) => Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    () => 0,
  );
}
