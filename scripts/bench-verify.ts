import '@audit-ledger/gateway/dist/fabric-logging';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkBundle, proofBundleShape, trustFile, type ProofBundle } from '@audit-ledger/verifier';
import { percentile } from './bench-figures';

/**
 * How long offline verification of one proof bundle takes: the bundle's text parsed, shaped and
 * put through every check, warm, timed over many runs in this process. Prints the bundle's
 * size, the median and 95th percentile, and, last, one JSON line.
 */

const USAGE = 'usage: npm run bench:verify -- <bundle.json> --trust <trust.json> [--runs N]';
const WARM_UP_RUNS = 20;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      trust: { type: 'string' },
      runs: { type: 'string', default: '200' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const runs = Number(values.runs);
  const [bundleFile] = positionals;
  if (bundleFile === undefined || values.trust === undefined || !(runs > 0)) {
    throw new Error(USAGE);
  }
  const text = await readFile(bundleFile, 'utf8');
  const trust = trustFile.parse(JSON.parse(await readFile(values.trust, 'utf8')));
  const verifyOnce = () => {
    const bundle = proofBundleShape.parse(JSON.parse(text)) as unknown as ProofBundle;
    return checkBundle(bundle, trust).every((check) => check.ok);
  };
  if (!verifyOnce()) {
    throw new Error(`${bundleFile} does not verify against ${values.trust}`);
  }
  for (let run = 0; run < WARM_UP_RUNS; run += 1) {
    verifyOnce();
  }
  const timings: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    verifyOnce();
    timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  timings.sort((a, b) => a - b);
  const bundle = JSON.parse(text) as ProofBundle;
  const result = {
    ledger: bundle.ledger,
    bundleBytes: Buffer.byteLength(text),
    runs,
    medianMs: Number(percentile(timings, 0.5).toFixed(2)),
    p95Ms: Number(percentile(timings, 0.95).toFixed(2)),
  };
  process.stdout.write(
    `${result.ledger} bundle: ${(result.bundleBytes / 1024).toFixed(1)} KB; verification over ${runs} warm runs: median ${result.medianMs} ms, p95 ${result.p95Ms} ms\n${JSON.stringify(result)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
