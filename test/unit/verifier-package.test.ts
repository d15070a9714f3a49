import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** Every file Node loads for `require('@audit-ledger/verifier')`, relative to the repository. */
function filesLoadedByTheVerifier(): string[] {
  const script = `
    require('@audit-ledger/verifier');
    process.stdout.write(JSON.stringify(Object.keys(require.cache)));
  `;
  const loaded = JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }),
  ) as string[];
  return loaded.map((file) => file.slice(ROOT.length + 1));
}

describe('the offline verifier package', () => {
  it('loads no ledger adapter, no gateway code and no contract runtime', () => {
    const loaded = filesLoadedByTheVerifier();
    expect(loaded.some((file) => file.startsWith('verifier/dist/'))).toBe(true);
    expect(loaded.filter((file) => file.startsWith('gateway/'))).toEqual([]);
    // From the contract, only what an entry's canonical form, digest and key need.
    expect(loaded.filter((file) => file.startsWith('chaincode/')).sort()).toEqual(
      [
        'audit-entry.js',
        'canonical-json.js',
        'channel-form.js',
        'entry-format.js',
        'ledger-keys.js',
      ].map((file) => `chaincode/dist/${file}`),
    );
    const packages = new Set(
      loaded.flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []),
    );
    for (const adapter of [
      '@hyperledger/fabric-gateway',
      'better-sqlite3',
      'express',
      'fabric-contract-api',
      'fabric-shim',
      'pino',
    ]) {
      expect(packages, adapter).not.toContain(adapter);
    }
  });

  it('declares only the contract, Fabric message definitions and zod as dependencies', () => {
    const manifest = JSON.parse(readFileSync(resolve(ROOT, 'verifier/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@audit-ledger/chaincode',
      '@hyperledger/fabric-protos',
      'zod',
    ]);
  });
});
