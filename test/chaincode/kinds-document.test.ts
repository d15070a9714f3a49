import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { expect, test } from 'vitest';
import { kindsDocument } from '../../scripts/kinds-document.js';

const DOCUMENT = resolve(__dirname, '../../docs/kinds.md');

test('docs/kinds.md is what the kind modules say (npm run docs:kinds writes it)', async () => {
  const written = await readFile(DOCUMENT, 'utf8');
  const generated = await format(kindsDocument(), {
    ...(await resolveConfig(DOCUMENT)),
    filepath: DOCUMENT,
  });
  expect(written).toBe(generated);
});
