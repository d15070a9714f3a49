import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { freePort } from '../support/processes.js';
import { dataAccess } from '../support/sample-entries.js';

const MAIN = resolve(__dirname, '../../gateway/dist/main.js');
const TOTAL = 10_000;
const CONCURRENCY = 64;

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

const children: ChildProcess[] = [];
let dataDir = '';
afterAll(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
  await rm(dataDir, { recursive: true, force: true });
});

async function startGateway(port: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        return { url, child };
      }
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error('the gateway did not start');
}

test(`kill -9 during ${TOTAL} asynchronous writes: every acknowledged entry is committed exactly once`, async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'audit-crash-'));
  const port = await freePort();
  const first = await startGateway(port);
  const key = (
    JSON.parse(await readFile(join(dataDir, 'dev-keys.json'), 'utf8')) as Record<string, string>
  )['sandbox-writer'];
  const acknowledged: string[] = [];
  let next = 0;
  const crash = { done: false };
  // Once half the writes are acknowledged, the gateway dies without a chance to clean up.
  const crashHalfway = () => {
    if (!crash.done && acknowledged.length >= TOTAL / 2) {
      crash.done = true;
      first.child.kill('SIGKILL');
    }
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL && !crash.done) {
        next += 1;
        const request = dataAccess({ id: `crash-${next}` }, { dataset: { id: 'crash-dataset' } });
        try {
          const response = await fetch(`${first.url}/v1/entries`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${key ?? ''}`,
              'content-type': 'application/json',
              prefer: 'respond-async',
            },
            body: JSON.stringify(request),
          });
          if (response.status === 202) {
            acknowledged.push(request.id);
          }
          await response.arrayBuffer();
        } catch {
          // the connection died with the process: not acknowledged
        }
        crashHalfway();
      }
    }),
  );
  expect(crash.done).toBe(true);
  await new Promise((exited) => {
    if (first.child.exitCode !== null || first.child.signalCode !== null) {
      exited(undefined);
    } else {
      first.child.once('exit', exited);
    }
  });

  const second = await startGateway(port);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ready = (await (await fetch(`${second.url}/readyz`)).json()) as {
      outbox: { depth: number };
    };
    if (ready.outbox.depth === 0) {
      break;
    }
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((wait) => setTimeout(wait, 250));
  }

  const seen = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const query = `/v1/entries?stream=dataset:crash-dataset&limit=500${cursor === null ? '' : `&cursor=${cursor}`}`;
    const page = (await (
      await fetch(`${second.url}${query}`, { headers: { authorization: `Bearer ${key ?? ''}` } })
    ).json()) as Page;
    for (const item of page.items) {
      seen.set(item.id, (seen.get(item.id) ?? 0) + 1);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);

  expect(acknowledged.length).toBeGreaterThanOrEqual(TOTAL / 2);
  expect(acknowledged.filter((id) => seen.get(id) !== 1)).toEqual([]);
  expect([...seen.values()].every((count) => count === 1)).toBe(true);
  second.child.kill('SIGTERM');
}, 180_000);
