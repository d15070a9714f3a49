import './fabric-logging';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from './cli/progress';
import { loadConfig } from './config';
import {
  type Block,
  checkOrdererSignature,
  checkTransactionSignatures,
  leafHash,
  PackedHashes,
  rootHash,
  trustFile,
  type TrustFile,
} from '@audit-ledger/verifier';
import { LedgerStore, type IntegrityProblem } from './embedded/ledger-store';

/** Every signature of a block against the trusted roots, as integrity problems. */
function signatureProblems(store: LedgerStore, trust: TrustFile) {
  const certificateOf = (sha256: string) => store.certificate(sha256);
  return (block: Block): IntegrityProblem[] => {
    const checks = [
      ...block.transactions.flatMap((record) =>
        checkTransactionSignatures(record, certificateOf, trust).map((check) => ({
          ...check,
          where: `block ${block.header.number} transaction ${record.txId}`,
        })),
      ),
      {
        ...checkOrdererSignature(block, certificateOf, trust),
        where: `block ${block.header.number}`,
      },
    ];
    return checks
      .filter((check) => !check.ok)
      .map((check) => ({
        kind: 'signature',
        where: check.where,
        message: `${check.check}: ${check.detail} [${check.reason ?? ''}]`,
      }));
  };
}

/**
 * The chain against each witness's memory of the last tree it cosigned: the first `size`
 * blocks must still hash to the root the witness signed.
 */
function checkpointProblems(
  store: LedgerStore,
  folder: string,
): { problems: IntegrityProblem[]; witnessed: string[] } {
  const problems: IntegrityProblem[] = [];
  const witnessed: string[] = [];
  const files = existsSync(folder)
    ? readdirSync(folder).filter((name) => name.endsWith('.seen.json'))
    : [];
  const headers = store.headerHashes();
  for (const file of files) {
    const seen = JSON.parse(readFileSync(join(folder, file), 'utf8')) as {
      size: number;
      rootHash: string;
    };
    const witness = file.replace(/\.seen\.json$/, '');
    if (seen.size > headers.length) {
      problems.push({
        kind: 'checkpoint',
        where: witness,
        message: `cosigned a tree of ${seen.size} blocks; the ledger holds ${headers.length}`,
      });
      continue;
    }
    const leaves = new PackedHashes();
    for (let index = 0; index < seen.size; index += 1) {
      leaves.push(leafHash(headers.at(index) ?? Buffer.alloc(0)));
    }
    if (rootHash(leaves).toString('base64') === seen.rootHash) {
      witnessed.push(`${witness} (${seen.size})`);
    } else {
      problems.push({
        kind: 'checkpoint',
        where: witness,
        message: `the first ${seen.size} blocks are not the tree it cosigned: history was rewritten`,
      });
    }
  }
  return { problems, witnessed };
}

/**
 * Checks the embedded ledger in DATA_DIR offline: the block chain, every block's data hash,
 * every signature (creators', endorsing peers', the orderer's) against the roots in
 * DATA_DIR/trust.json, the chain against the trees the witnesses cosigned, and every stored
 * value against the hash its block recorded. Exit 0 when all hold, 1 otherwise.
 */
function main(): number {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      'usage: npm run integrity   (DATA_DIR names the embedded ledger, default ./.data)\n' +
        'Checks the chain, every signature against DATA_DIR/trust.json, the trees the witnesses\n' +
        'cosigned, and every stored value. Exit 0 when all hold, 1 when one fails, 2 when it cannot run.\n',
    );
    return 0;
  }
  const { dataDir } = loadConfig(process.env);
  const file = join(dataDir, 'ledger.sqlite');
  const trustPath = join(dataDir, 'trust.json');
  if (!existsSync(file)) {
    process.stderr.write(`no embedded ledger at ${file}\n`);
    return 2;
  }
  const parsedTrust = existsSync(trustPath)
    ? trustFile.safeParse(JSON.parse(readFileSync(trustPath, 'utf8')))
    : undefined;
  if (parsedTrust?.success !== true) {
    process.stderr.write(`no usable trust file at ${trustPath}: signatures cannot be checked\n`);
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
    const checkSignatures = signatureProblems(store, parsedTrust.data);
    const blocks = store.height();
    const shown = progress('checking blocks', { unit: 'blocks', singular: 'block' });
    const report = store.checkIntegrity((block) => {
      shown.update(block.header.number + 1, blocks);
      return checkSignatures(block);
    });
    shown.finish(report.height, `${report.stateKeys} stored values`);
    const checkpoints = checkpointProblems(store, join(dataDir, 'checkpoints'));
    const problems = [...report.problems, ...checkpoints.problems];
    process.stdout.write(
      `${file}: ${report.height} blocks, ${report.stateKeys} state keys; signatures checked against ${trustPath}; ` +
        `chain checked against the trees cosigned by ${checkpoints.witnessed.join(', ') || 'no witness yet'}\n`,
    );
    for (const problem of problems) {
      process.stdout.write(`  ${problem.kind} ${problem.where}: ${problem.message}\n`);
    }
    process.stdout.write(
      problems.length === 0 ? 'integrity: ok\n' : `integrity: ${problems.length} problem(s)\n`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    store.close();
  }
}

process.exitCode = main();
