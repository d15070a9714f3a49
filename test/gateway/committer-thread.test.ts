import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { CommitterThread } from '../../gateway/src/embedded/committer-thread.js';
import type { CommitRequest } from '../../gateway/src/embedded/transaction-committer.js';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

const identity = { mspId: 'SandboxOrg', certificatePem: '', privateKeyPem: '' };
const request: CommitRequest = {
  fcn: 'RecordEntries',
  args: ['[]'],
  txId: 'f'.repeat(64),
  timestamp: { seconds: 0, nanos: 0 },
  creator: identity,
  endorsers: [identity],
  orderer: identity,
};

test('commits held by a commit thread that dies fail with LEDGER_UNAVAILABLE; the next commit starts a new thread', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'committer-thread-'));
  folders.push(folder);
  const starts = join(folder, 'starts.log');
  const script = join(folder, 'dying-worker.js');
  // A thread that records its start, then dies on its first message without answering.
  await writeFile(
    script,
    `require('node:fs').appendFileSync(${JSON.stringify(starts)}, 'start\\n');
require('node:worker_threads').parentPort.once('message', () => process.exit(3));
`,
  );
  await appendFile(starts, '');
  const thread = new CommitterThread(join(folder, 'ledger.sqlite'), undefined, script);

  const held = await Promise.allSettled([thread.commit(request), thread.commit(request)]);
  expect(held).toMatchObject([
    { status: 'rejected', reason: { code: 'LEDGER_UNAVAILABLE' } },
    { status: 'rejected', reason: { code: 'LEDGER_UNAVAILABLE' } },
  ]);
  expect(() => {
    thread.checkReady();
  }).toThrow(/commit thread exited with code 3/);
  await expect(thread.commit(request)).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
  expect((await readFile(starts, 'utf8')).trim().split('\n')).toEqual(['start', 'start']);
  await thread.close();
});

test('a thread that stops before opening the ledger fails start and readiness', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'committer-thread-'));
  folders.push(folder);
  const script = join(folder, 'failing-worker.js');
  await writeFile(script, "throw new Error('cannot open the ledger');\n");
  const thread = new CommitterThread(join(folder, 'ledger.sqlite'), undefined, script);

  await expect(thread.start()).rejects.toMatchObject({
    code: 'LEDGER_UNAVAILABLE',
    message: expect.stringContaining('cannot open the ledger') as unknown,
  });
  expect(() => {
    thread.checkReady();
  }).toThrow(/starting|cannot open the ledger/);
  await thread.close();
});

test('the real commit thread reports ready once it has opened the ledger', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'committer-thread-'));
  folders.push(folder);
  const thread = new CommitterThread(join(folder, 'ledger.sqlite'));
  expect(() => {
    thread.checkReady();
  }).toThrow(/starting/);
  await thread.start();
  expect(() => {
    thread.checkReady();
  }).not.toThrow();
  await thread.close();
});
