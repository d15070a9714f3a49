/**
 * Hosts for the consortium on several machines, made on this one: a Linux network namespace per
 * organisation, each with its own address on a bridge the test makes, and a folder of its own
 * that plays the host's disk. Everything an organisation runs is started inside its namespace
 * with its folder as the network's state; the test plays the operators, carrying only public
 * definitions (and the two consortium secrets) between the folders.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository's root, from scripts/ (tests) or from its build in scripts/dist/. */
function repositoryRoot(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'network/network.sh'))) {
    if (dirname(folder) === folder) {
      throw new Error(`no network/network.sh above ${__dirname}`);
    }
    folder = dirname(folder);
  }
  return folder;
}

export const REPO = repositoryRoot();
const NETWORK_SCRIPT = join(REPO, 'network/network.sh');

/**
 * The hosts' subnet: 198.18.0.0/15 is reserved for network test benches (RFC 2544), so it is
 * never a real network this machine is on; nothing routes it beyond the test's bridge.
 */
const SUBNET_PREFIX = '198.18.0';
const BRIDGE = 'auditbr0';

export interface Host {
  mspId: string;
  /** The network namespace the organisation's processes run in. */
  namespace: string;
  address: string;
  /** The host's disk: its NETWORK_STATE_DIR, and its gateway's data folder below it. */
  folder: string;
}

export interface Hosts {
  root: string;
  /** Where the operators hand each other definitions and founding files. */
  courier: string;
  byMsp: Record<string, Host>;
  all: Host[];
  /** Runs `network/network.sh <args>` on a host, as its operator would there. */
  network(host: Host, ...args: string[]): Promise<string>;
  /** Starts a long-running program on a host. */
  spawn(host: Host, command: string, args: string[], env: Record<string, string>): ChildProcess;
  remove(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

async function ipQuietly(...args: string[]): Promise<void> {
  await run('ip', args).catch(() => undefined);
}

function namespaceOf(mspId: string): string {
  return `audit-${mspId.toLowerCase()}`;
}

/** Deletes what an earlier run that died left: its namespaces and its bridge. */
async function removeNetworking(mspIds: readonly string[]): Promise<void> {
  for (const mspId of mspIds) {
    await ipQuietly('netns', 'delete', namespaceOf(mspId));
  }
  await ipQuietly('link', 'delete', BRIDGE);
}

/**
 * One namespace per organisation, each on the bridge with its own address; this process (the
 * regulator's desk, say) reaches them through the bridge's own address.
 */
export async function createHosts(mspIds: readonly string[]): Promise<Hosts> {
  if (process.getuid?.() !== 0) {
    throw new Error('the multi-host suite makes network namespaces, which needs root');
  }
  await removeNetworking(mspIds);
  await ip('link', 'add', BRIDGE, 'type', 'bridge');
  await ip('address', 'add', `${SUBNET_PREFIX}.1/24`, 'dev', BRIDGE);
  await ip('link', 'set', BRIDGE, 'up');

  const root = await mkdtemp(join(tmpdir(), 'audit-hosts-'));
  const courier = join(root, 'courier');
  await mkdir(courier);
  const all: Host[] = [];
  for (const [index, mspId] of mspIds.entries()) {
    const namespace = namespaceOf(mspId);
    const address = `${SUBNET_PREFIX}.${10 + index}`;
    const outside = `auditv${index}`;
    await ip('netns', 'add', namespace);
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
    await ip('link', 'set', outside, 'master', BRIDGE, 'up');
    await ip('-n', namespace, 'address', 'add', `${address}/24`, 'dev', 'eth0');
    await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
    await ip('-n', namespace, 'link', 'set', 'lo', 'up');
    const folder = join(root, 'hosts', mspId.toLowerCase());
    await mkdir(folder, { recursive: true, mode: 0o700 });
    all.push({ mspId, namespace, address, folder });
  }

  const children = new Set<ChildProcess>();
  const hostEnv = (host: Host, env: Record<string, string> = {}) => ({
    ...process.env,
    NETWORK_STATE_DIR: join(host.folder, 'network'),
    ...env,
  });
  return {
    root,
    courier,
    all,
    byMsp: Object.fromEntries(all.map((host) => [host.mspId, host])),
    async network(host, ...args) {
      try {
        const { stdout } = await run(
          'ip',
          ['netns', 'exec', host.namespace, NETWORK_SCRIPT, ...args],
          { env: hostEnv(host), maxBuffer: 16 * 1024 * 1024 },
        );
        return stdout;
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(
          `network.sh ${args.join(' ')} on ${host.mspId} failed:\n${stdout}\n${stderr}`,
          { cause: error },
        );
      }
    },
    spawn(host, command, args, env) {
      const child = spawn('ip', ['netns', 'exec', host.namespace, command, ...args], {
        env: hostEnv(host, env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async remove() {
      for (const child of children) {
        child.kill('SIGTERM');
      }
      for (const host of all) {
        await run(NETWORK_SCRIPT, ['down'], { env: hostEnv(host) }).catch(() => undefined);
      }
      await removeNetworking(mspIds);
      if (process.env.KEEP_HOSTS !== 'true') {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}
