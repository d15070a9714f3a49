/**
 * The per-host service definitions in network/systemd: systemd itself checks them (installed
 * where docs/deployment.md puts the repository, here pointed at this checkout), and each unit
 * starts a script of this repository that hands its node to the service manager.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');
const UNITS = join(REPO, 'network/systemd');
const INSTALLED_AT = '/opt/audit-ledger';

let units: { name: string; text: string }[];
let folder: string;

beforeAll(async () => {
  const names = (await readdir(UNITS)).filter((name) => /\.(service|target)$/.test(name));
  units = await Promise.all(
    names.map(async (name) => ({ name, text: await readFile(join(UNITS, name), 'utf8') })),
  );
  folder = await mkdtemp(join(tmpdir(), 'audit-units-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function execStart(text: string): string {
  const line = /^ExecStart=(.+)$/m.exec(text)?.[1];
  if (line === undefined) {
    throw new Error('no ExecStart');
  }
  return line;
}

describe('network/systemd', () => {
  test('has a unit for each kind of node, the gateway, and a target that groups them', () => {
    expect(units.map((unit) => unit.name).sort()).toEqual([
      'audit-ca.service',
      'audit-chaincode.service',
      'audit-gateway.service',
      'audit-ledger.target',
      'audit-orderer@.service',
      'audit-peer.service',
      'audit-witness.service',
    ]);
  });

  test('passes systemd-analyze verify, installed against this checkout', async () => {
    const files: string[] = [];
    for (const { name, text } of units) {
      const file = join(folder, name);
      await writeFile(
        file,
        text.replaceAll(INSTALLED_AT, REPO).replaceAll('/usr/bin/node', process.execPath),
      );
      files.push(file);
    }
    const { stdout, stderr } = await run('systemd-analyze', ['verify', '--man=no', ...files]);
    expect(`${stdout}${stderr}`).toBe('');
  });

  test('starts each node through its script in the foreground, under an unprivileged user', async () => {
    for (const { name, text } of units.filter((unit) => unit.name !== 'audit-ledger.target')) {
      expect(text, name).toMatch(/^User=audit-ledger$/m);
      expect(text, name).toMatch(/^NoNewPrivileges=true$/m);
      expect(text, name).toMatch(/^WantedBy=audit-ledger\.target$/m);
      if (name === 'audit-gateway.service') {
        continue;
      }
      expect(text, name).toMatch(/^Environment=NETWORK_FOREGROUND=true$/m);
      const script = execStart(text).split(' ')[0]?.replace(INSTALLED_AT, REPO) ?? '';
      expect(script, name).toMatch(/\/network\/nodes\/[a-z]+\.sh$/);
      // The scripts hand the node to the service manager rather than starting it in the background.
      expect(await readFile(script, 'utf8'), script).toContain('launch ');
    }
  });

  test("under a service manager, a node replaces its script: the unit's own process is the node", async () => {
    const state = join(folder, 'state');
    const child = spawn(
      'bash',
      ['-c', `source ${join(REPO, 'network/lib/env.sh')} && launch example sleep 30`],
      { env: { ...process.env, NETWORK_FOREGROUND: 'true', NETWORK_STATE_DIR: state } },
    );
    try {
      await expect
        .poll(async () =>
          (await readFile(`/proc/${String(child.pid)}/cmdline`, 'utf8')).split('\0'),
        )
        .toEqual(['sleep', '30', '']);
      // Nothing of the background mode: no pid file, no log file of its own.
      await expect(readdir(state)).rejects.toThrow(/ENOENT/);
    } finally {
      child.kill();
    }
  });
});
