import './fabric-logging';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config';
import { LedgerStore } from './embedded/ledger-store';

/**
 * Checks the embedded ledger in DATA_DIR offline: the block chain, every block's data hash, and
 * every stored value against the hash its block recorded. Exit 0 when all hold, 1 otherwise.
 */
function main(): number {
  const { dataDir } = loadConfig(process.env);
  const file = join(dataDir, 'ledger.sqlite');
  if (!existsSync(file)) {
    process.stderr.write(`no embedded ledger at ${file}\n`);
    return 2;
  }
  let store: LedgerStore;
  try {
    store = new LedgerStore(file, { readOnly: true });
  } catch (error) {
    process.stderr.write(`${file} is not an embedded ledger: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const report = store.checkIntegrity();
    process.stdout.write(`${file}: ${report.height} blocks, ${report.stateKeys} state keys\n`);
    for (const problem of report.problems) {
      process.stdout.write(`  ${problem.kind} ${problem.where}: ${problem.message}\n`);
    }
    process.stdout.write(
      report.problems.length === 0
        ? 'integrity: ok\n'
        : `integrity: ${report.problems.length} problem(s)\n`,
    );
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    store.close();
  }
}

process.exitCode = main();
