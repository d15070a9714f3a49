import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FOUNDING_ORGANIZATIONS, ORDERER_ORGANIZATION } from '#network/topology';
import { foundConsortium, hostOf } from './consortium-hosts';
import { createHosts } from './hosts';

/**
 * The benchmark across hosts: the consortium founded in a network namespace per organisation
 * (scripts/hosts.ts, as `npm run test:multihost` makes them), the floor contract approved by each
 * organisation on its own host, then `bench` run on the sandbox operator's host through its own
 * gateway, which holds only its organisation's keys. Every write still needs a majority of the
 * organisations' peers, each reached across the bridge at its own address; the CPU figures sum
 * every host's nodes. Needs root (network namespaces). Options after `--` go to `bench`.
 */

const BENCH = resolve(__dirname, 'bench.js');
const WRITER = 'SandboxOrg';

async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true, strict: false });
  const hosts = await createHosts([ORDERER_ORGANIZATION, ...FOUNDING_ORGANIZATIONS]);
  try {
    process.stdout.write('founding the consortium across hosts (a namespace per organisation)\n');
    await foundConsortium(hosts);
    await Promise.all(
      FOUNDING_ORGANIZATIONS.map((mspId) =>
        hosts.network(hostOf(hosts, mspId), 'host', 'floor', mspId),
      ),
    );
    await hosts.network(hostOf(hosts, 'RegulatorOrg'), 'host', 'commit', 'RegulatorOrg', 'floor');

    const writer = hostOf(hosts, WRITER);
    const bench = hosts.spawn(
      writer,
      process.execPath,
      [
        BENCH,
        '--ledger',
        'fabric',
        '--connection',
        join(writer.folder, 'network', `connection.${WRITER}.json`),
        '--organization',
        WRITER,
        ...hosts.all.flatMap((each) => ['--pids', join(each.folder, 'network/pids')]),
        ...positionals,
      ],
      {},
    );
    bench.stdout?.pipe(process.stdout);
    bench.stderr?.pipe(process.stderr);
    const [code] = (await once(bench, 'exit')) as [number | null];
    if (code !== 0) {
      throw new Error(`the benchmark on ${WRITER}'s host exited with ${String(code)}`);
    }
  } finally {
    await hosts.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
