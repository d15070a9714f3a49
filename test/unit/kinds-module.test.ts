import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadKinds } from '../../gateway/src/kinds-module.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'audit-kinds-module-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

test('without a module the standard kinds are recorded', () => {
  expect(loadKinds(undefined).kinds).toContain('credit-share');
});

test('a module that exports no kind versions stops the start, naming the module', async () => {
  const file = join(folder, 'empty.cjs');
  await writeFile(file, 'module.exports = { kinds: [] };\n');
  expect(() => loadKinds(file)).toThrow(`${file} exports no kindVersions`);
});
