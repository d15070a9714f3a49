import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const REPOSITORY = resolve(__dirname, '../..');

/**
 * Test-only TypeScript modules as CommonJS, for code that `require`s them outside vitest (the
 * gateway's commit thread). They are written under node_modules/.cache, so that they resolve
 * the repository's packages as the sources do; the folder keeps their layout under `root`.
 */
export async function compileModules(root: string, files: string[]): Promise<string> {
  const out = join(REPOSITORY, 'node_modules/.cache/audit-ledger-tests', `${process.pid}`);
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
      fileName: file,
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return out;
}
