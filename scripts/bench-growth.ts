import { readConnectionFile } from '@audit-ledger/gateway/dist/fabric/connection-file';
import { stat, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chainHeight, costPerEntry, sampleNetwork } from './bench-fabric';
import { percentile } from './bench-figures';
import { startGateway, stopGateway } from './bench-gateway';
import { StateCompactionLogs, peerStateLogs } from './state-compactions';
import {
  NETWORK_STATE,
  admitSampleTeam,
  indexCaughtUp,
  ledgerUnderTest,
  load,
  printTable,
  sampledPeers,
} from './bench-load';

/**
 * Growth: how the cost of an entry changes as the ledger fills. One gateway on the network
 * `npm run network:up` started drives the batch path window after window until the ledger holds
 * each size asked for; every window reports the entries written so far, its entries/s and p99,
 * each kind of node's CPU per entry, and what the peers' state databases compacted per entry
 * (what grows), and each size reached is compared with the first window (a fresh network, when
 * the run starts on one). Prints a JSON line per window, then a table of the windows that reached
 * each size. Every node keeps every block, so the disk fills fast on one machine: the run stops,
 * saying so, before a window could leave less than DISK_RESERVE_BYTES free.
 */

const DISK_RESERVE_BYTES = 4 * 2 ** 30;

/** Free bytes on each filesystem holding one of `paths`, each filesystem once. */
async function freeBytes(paths: readonly string[]): Promise<Map<number, number>> {
  const free = new Map<number, number>();
  for (const path of paths) {
    const [{ dev }, space] = await Promise.all([stat(path), statfs(path)]);
    free.set(dev, space.bavail * space.bsize);
  }
  return free;
}

const USAGE =
  'usage: npm run bench:growth -- --until N[,N...] [--window-seconds S] [--clients N] [--batch-size N]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      until: { type: 'string' },
      'window-seconds': { type: 'string', default: '60' },
      clients: { type: 'string', default: '8' },
      'batch-size': { type: 'string', default: '500' },
    },
  });
  const sizes = (values.until ?? '').split(',').map(Number);
  const windowSeconds = Number(values['window-seconds']);
  const clients = Number(values.clients);
  const batchSize = Number(values['batch-size']);
  if (
    ![...sizes, windowSeconds, clients, batchSize].every(
      (value) => Number.isInteger(value) && value > 0,
    ) ||
    sizes.some((size, index) => index > 0 && size <= (sizes[index - 1] ?? 0))
  ) {
    throw new Error(`${USAGE}\n(sizes ascending)`);
  }
  const connectionFile = resolve(NETWORK_STATE, 'connection.json');
  const environment = ledgerUnderTest('fabric', connectionFile, undefined);
  const connection = await readConnectionFile(connectionFile);
  const pidDirs = [resolve(NETWORK_STATE, 'pids')];
  const gateway = await startGateway(environment);
  // The nodes' ledgers and the gateway's databases: what grows with every entry.
  const storage = [NETWORK_STATE, gateway.dataDir];
  const freeAtStart = await freeBytes(storage);
  const rows: string[][] = [
    [
      'entries',
      'entries/s',
      'p99 s',
      'peer',
      'orderer',
      'chaincode',
      'witness',
      'gateway',
      'peer vs first',
      'merged KiB',
    ],
  ];
  try {
    await indexCaughtUp(gateway, await chainHeight(connection));
    await admitSampleTeam(gateway);
    const compactionLogs = await StateCompactionLogs.from(
      (await Promise.all(pidDirs.map((pidDir) => peerStateLogs(NETWORK_STATE, pidDir)))).flat(),
    );
    let written = 0;
    let firstPeerCpu: number | undefined;
    filling: for (const size of sizes) {
      while (written < size) {
        const run = await load(
          gateway,
          `filling towards ${size.toLocaleString('en')} entries`,
          'batch',
          { seconds: windowSeconds, clients, batchSize },
          () => sampleNetwork(connection, pidDirs, 'audit'),
        );
        if (run.network === undefined || run.entries === 0) {
          throw new Error(
            `a window committed nothing (${run.errors} errors: ${JSON.stringify(run.errorReasons)})`,
          );
        }
        written += run.entries;
        const compactions = await compactionLogs.sincePreviousRead();
        const { cpuMs } = costPerEntry(
          run.network.before,
          run.network.after,
          run.entries,
          sampledPeers(connection),
        );
        const peerCpu = cpuMs.peer ?? 0;
        firstPeerCpu ??= peerCpu;
        // The gateway's own CPU (all its threads) beside the nodes'.
        const cpuMsPerEntry: Record<string, number> = {
          ...cpuMs,
          gateway: Math.round((run.cpuSeconds * 1e6) / run.entries) / 1000,
        };
        const window = {
          entries: written,
          entriesPerSec: Math.round(run.entries / run.seconds),
          p99Ms: Math.round(percentile(run.latenciesMs, 0.99)),
          errors: run.errors,
          cpuMsPerEntry,
          peerCpuVersusFirst: Math.round((peerCpu / firstPeerCpu) * 100) / 100,
          // Summed over the peers, as their CPU is.
          stateCompactions: {
            mergedKibPerEntry: Math.round((compactions.mergedBytes / 1024 / run.entries) * 10) / 10,
            secondsPerSecond: Math.round((compactions.seconds / run.seconds) * 100) / 100,
          },
        };
        const row = (reached: string) => [
          reached,
          String(window.entriesPerSec),
          (window.p99Ms / 1000).toFixed(1),
          ...['peer', 'orderer', 'chaincode', 'witness', 'gateway'].map((kind) =>
            (cpuMsPerEntry[kind] ?? 0).toFixed(3),
          ),
          `${window.peerCpuVersusFirst.toFixed(2)}×`,
          window.stateCompactions.mergedKibPerEntry.toFixed(1),
        ];
        const freeNow = await freeBytes(storage);
        const usedBytes = [...freeNow].reduce(
          (sum, [dev, free]) => sum + (freeAtStart.get(dev) ?? free) - free,
          0,
        );
        const diskBytesPerEntry = usedBytes / written;
        process.stdout.write(
          `${JSON.stringify({ ...window, diskKbPerEntry: Math.round(diskBytesPerEntry / 100) / 10 })}\n`,
        );
        // The next window writes about as much as this one did, half as much again to be safe.
        const nextWindowBytes = diskBytesPerEntry * run.entries * 1.5;
        const tightest = Math.min(...freeNow.values());
        if (written < size && tightest - nextWindowBytes < DISK_RESERVE_BYTES) {
          const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
          process.stdout.write(
            `stopping at ${written.toLocaleString('en')} entries, before ${size.toLocaleString('en')}: ` +
              `${gib(tightest)} GiB free, the next window needs ~${gib(nextWindowBytes)} GiB ` +
              `(${(diskBytesPerEntry / 1024).toFixed(1)} KB per entry over every node and the gateway)\n`,
          );
          rows.push(row(`${written.toLocaleString('en')} (stopped: disk)`));
          break filling;
        }
        if (written >= size) {
          rows.push(row(written.toLocaleString('en')));
        }
      }
    }
  } finally {
    await stopGateway(gateway);
  }
  process.stdout.write(
    "\nIn the window that reached each size: CPU ms per entry, and KiB per entry merged by the peers' state compactions\n",
  );
  printTable(rows);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
