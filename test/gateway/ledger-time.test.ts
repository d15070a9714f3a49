import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { EmbeddedLedger } from '../../gateway/src/embedded/embedded-ledger.js';
import { LedgerStore } from '../../gateway/src/embedded/ledger-store.js';
import { standardConsortium } from '../../chaincode/src/index.js';
import { IdentityDirectory } from '../../gateway/src/identity/identity-directory.js';
import { dataAccess } from '../support/sample-entries.js';

let folder = '';
afterAll(() => rm(folder, { recursive: true, force: true }));

async function open(now: () => number) {
  const identities = await IdentityDirectory.open(join(folder, 'identities'));
  return new EmbeddedLedger(
    new LedgerStore(join(folder, 'ledger.sqlite')),
    identities,
    standardConsortium,
    { now },
  );
}

test('ledger time keeps increasing across a restart, even when the clock went back', async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-ledger-time-'));
  const writer = { name: 'sandbox-platform', role: 'sandbox-writer' as const };
  const noon = Date.parse('2026-06-01T12:00:00Z');

  const before = await open(() => noon);
  const first = await before.recordEntry(writer, dataAccess());
  await before.close();

  const after = await open(() => noon - 3_600_000);
  const second = await after.recordEntry(writer, dataAccess());
  await after.close();

  expect(first.committedAt).toBe('2026-06-01T12:00:00.000000000Z');
  expect(second.committedAt > first.committedAt).toBe(true);
});
