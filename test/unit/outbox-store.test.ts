import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { AdmittedRequest } from '../../gateway/src/services/entry-service.js';
import type { Principal } from '../../gateway/src/ledger/ledger.js';
import { OutboxStore } from '../../gateway/src/outbox/outbox-store.js';
import { dataAccess } from '../support/sample-entries.js';

const WRITER: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };
const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) {
    await rm(folder, { recursive: true, force: true });
  }
});

async function outboxFile(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'outbox-'));
  folders.push(folder);
  return join(folder, 'outbox.sqlite');
}

const work = () => ({ type: 'entry' as const, request: dataAccess() as AdmittedRequest });

test('operations added together are all on disk when their additions resolve', async () => {
  const file = await outboxFile();
  const store = new OutboxStore(file);
  const ids = Array.from({ length: 50 }, (_unused, index) => `operation-${index}`);
  await Promise.all(ids.map((id) => store.add(id, WRITER, work(), new Date())));
  store.close();

  const reopened = new OutboxStore(file);
  expect(reopened.depth().depth).toBe(50);
  expect(
    reopened
      .pending(100)
      .map((operation) => operation.id)
      .sort(),
  ).toEqual([...ids].sort());
  reopened.close();
});

test('a group that cannot be written fails every addition in it, and stores none of them', async () => {
  const file = await outboxFile();
  const store = new OutboxStore(file);
  const outcomes = await Promise.allSettled([
    store.add('first', WRITER, work(), new Date()),
    store.add('same', WRITER, work(), new Date()),
    store.add('same', WRITER, work(), new Date()),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
  expect(store.depth().depth).toBe(0);

  await store.add('later', WRITER, work(), new Date());
  expect(store.get('later')?.status).toBe('pending');
  store.close();
});

test('close writes the additions still waiting for their group', async () => {
  const file = await outboxFile();
  const store = new OutboxStore(file);
  const added = store.add('at-close', WRITER, work(), new Date());
  store.close();
  await added;

  const reopened = new OutboxStore(file);
  expect(reopened.get('at-close')?.status).toBe('pending');
  reopened.close();
});
