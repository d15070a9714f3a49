import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TrailReport } from '../../gateway/src/services/trail-check.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { freePort, runGatewayProgram } from '../support/processes.js';
import { dataAccess, unique } from '../support/sample-entries.js';

/** `npx audit-ledger` against a running gateway, as a regulator or an integrator runs it. */

let gateway: TestGateway;
let folder: string;
let trustFile: string;
const DATASET = unique('cli-dataset');
const ids: string[] = [];

function cli(args: string[], env: Record<string, string> = {}) {
  return runGatewayProgram('cli/audit-ledger.js', args, {
    AUDIT_LEDGER_URL: gateway.url,
    AUDIT_LEDGER_KEY: gateway.keys.regulator,
    AUDIT_LEDGER_KEY_FILE: '',
    ...env,
  });
}

beforeAll(async () => {
  gateway = await startTestGateway();
  folder = await mkdtemp(join(tmpdir(), 'audit-cli-client-'));
  trustFile = join(gateway.dataDir, 'trust.json');
  for (const sourceSeq of [1, 2, 3]) {
    const written = await gateway.request<{ id: string }>('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({ sourceSeq }, { dataset: { id: DATASET } }),
    });
    expect(written.status).toBe(201);
    ids.push(written.body.id);
  }
});
afterAll(async () => {
  await gateway.close();
  await rm(folder, { recursive: true, force: true });
});

describe('audit-ledger get', () => {
  test('shows the entry readably, and exactly as the API answers it with --json', async () => {
    const id = ids[0] ?? '';
    const human = await cli(['get', id]);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toBe(id);
    expect(human.stdout).toMatch(/^ {2}stream +dataset:/m);
    expect(human.stdout).toMatch(/^ {2}sourceSeq +1$/m);
    expect(human.stdout).toContain(`"id": "${DATASET}"`);

    const json = await cli(['get', id, '--json']);
    const api = await gateway.request('GET', `/v1/entries/${id}`, { key: gateway.keys.regulator });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(api.body);
  });

  test('a missing entry is the gateway’s refusal, with its code, and exit 3', async () => {
    const missing = await cli(['get', 'no-such-entry']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('the gateway answered 404 NOT_FOUND');
  });
});

describe('audit-ledger list', () => {
  test('lists a stream in commit order, a page at a time, and says how to go on', async () => {
    const first = await cli(['list', '--stream', `dataset:${DATASET}`, '--limit', '2']);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^committed +kind +id +stream +source +seq$/);
    expect(lines.slice(1, 3).map((line) => line.split(/ +/)[2])).toEqual(ids.slice(0, 2));
    const cursor = /^more: add --cursor=(\S+)$/m.exec(first.stdout)?.[1];
    expect(cursor).toBeDefined();

    const rest = await cli([
      'list',
      '--stream',
      `dataset:${DATASET}`,
      '--limit',
      '2',
      `--cursor=${cursor ?? ''}`,
      '--json',
    ]);
    expect(rest.code).toBe(0);
    expect(JSON.parse(rest.stdout)).toMatchObject({
      items: [{ id: ids[2] }],
      nextCursor: null,
    });
  });

  test('a cursor that begins with a dash, in the form the hint prints, reaches the gateway', async () => {
    // One cursor in 64 begins with "-" (base64url); as a separate argument it read as an option.
    const dashed = await cli(['list', '--stream', `dataset:${DATASET}`, '--cursor=-AAAAAAAAAAAA']);
    expect(dashed.stderr).toContain('INVALID_QUERY');
    expect(dashed.stderr).toContain('cursor');
    expect(dashed.code).toBe(3);
  });

  test('--all reads every page', async () => {
    const all = await cli([
      'list',
      '--stream',
      `dataset:${DATASET}`,
      '--limit',
      '1',
      '--all',
      '--json',
    ]);
    expect(all.code).toBe(0);
    const answer = JSON.parse(all.stdout) as { items: { id: string }[]; nextCursor: null };
    expect(answer.items.map((item) => item.id)).toEqual(ids);
  });

  test('a filter the gateway refuses is reported with the field and reason; a missing filter before any call', async () => {
    const badTime = await cli(['list', '--stream', 'x', '--from', '2026-03-01T09:00:00']);
    expect(badTime.code).toBe(3);
    expect(badTime.stderr).toContain('INVALID_QUERY');
    expect(badTime.stderr).toMatch(/from: .*offset/);

    const noFilter = await cli(['list']);
    expect(noFilter.code).toBe(2);
    expect(noFilter.stderr).toContain('give exactly one of --stream, --kind, --source');
  });
});

describe('audit-ledger proof and verify', () => {
  test('verify --id fetches the bundle and checks it offline; proof --out keeps it for later', async () => {
    const id = ids[1] ?? '';
    const fetched = await cli(['verify', '--id', id, '--trust', trustFile]);
    expect(fetched.code).toBe(0);
    expect(fetched.stdout.trim().endsWith('VERIFIED')).toBe(true);

    const kept = join(folder, 'bundle.json');
    const proof = await cli(['proof', id, '--out', kept]);
    expect(proof.code).toBe(0);
    expect(proof.stderr).toContain(kept);
    const offline = await cli(['verify', kept, '--trust', trustFile, '--json'], {
      // Offline means offline: no gateway, no key.
      AUDIT_LEDGER_URL: 'http://127.0.0.1:9',
      AUDIT_LEDGER_KEY: '',
    });
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ verified: true });

    const tampered = join(folder, 'tampered.json');
    await writeFile(tampered, (await readFile(kept, 'utf8')).replace('"train"', '"export"'));
    const failed = await cli(['verify', tampered, '--trust', trustFile]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('[ENTRY_DIGEST]');
  });
});

describe('audit-ledger trail', () => {
  test('a complete trail: progress on stderr, the report on stdout, exit 0', async () => {
    const checked = await cli(['trail', '--stream', `dataset:${DATASET}`]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('✓ entries read: 3');
    expect(checked.stdout.trim().endsWith('COMPLETE')).toBe(true);
    expect(checked.stderr).toContain('checking the trail: 3');

    const json = await cli(['trail', '--stream', `dataset:${DATASET}`, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ complete: true, entries: 3 } as TrailReport);
  });

  test('a source with a hole in its numbering is not complete, exit 1, naming the hole', async () => {
    // The writer numbered 1, 2 and 3 above; 4 never arrives.
    const written = await gateway.request('POST', '/v1/entries', {
      key: gateway.keys['sandbox-writer'],
      body: dataAccess({ sourceSeq: 5 }, { dataset: { id: unique('cli-other') } }),
    });
    expect(written.status).toBe(201);
    const checked = await cli(['trail', '--source', gateway.sourceOf('sandbox-writer')]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('✗ sourceSeq 1 to 5: missing 4');
    expect(checked.stdout.trim().endsWith('NOT COMPLETE')).toBe(true);
  });
});

describe('where the key and the gateway come from', () => {
  test('a key file works like the variable; no key at all is refused before any call', async () => {
    const keyFile = join(folder, 'regulator.key');
    await writeFile(keyFile, `${gateway.keys.regulator}\n`, { mode: 0o600 });
    const fromFile = await cli(['get', ids[0] ?? '', '--key-file', keyFile], {
      AUDIT_LEDGER_KEY: '',
    });
    expect(fromFile.code).toBe(0);

    const none = await cli(['get', ids[0] ?? ''], { AUDIT_LEDGER_KEY: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no API key: set AUDIT_LEDGER_KEY');
  });

  test('a wrong key and an unreachable gateway are exit 3 with what happened', async () => {
    const wrong = await cli(['get', ids[0] ?? ''], { AUDIT_LEDGER_KEY: 'alk_not-a-key' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('401 UNAUTHENTICATED');

    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await cli(['get', ids[0] ?? ''], { AUDIT_LEDGER_URL: nowhere });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`cannot reach the gateway at ${nowhere}: ECONNREFUSED`);
  });
});

describe('audit-ledger --help', () => {
  test.each([
    [[], /^usage: audit-ledger get <id>/],
    [['get'], /^usage: audit-ledger get <id>/],
    [['list'], /^usage: audit-ledger list \(--stream <value> \| --kind <value>/],
    [['proof'], /^usage: audit-ledger proof <id>/],
    [['verify'], /^usage: audit-ledger verify <bundle.json>/],
    [['trail'], /^usage: audit-ledger trail /],
    [['verify-consistency'], /^usage: audit-ledger verify-consistency /],
    [['verify-checkpoint'], /^usage: audit-ledger verify-checkpoint /],
  ])('%j --help prints its usage and exits 0', async (command, usage) => {
    const result = await cli([...command, '--help']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(usage);
  });

  test('an unknown command or option is exit 2 with the usage', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command frobnicate');
    const badOption = await cli(['get', 'x', '--nope']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('usage: audit-ledger get <id>');
  });
});
