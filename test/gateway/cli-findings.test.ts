/**
 * `audit-ledger findings` and `audit-ledger close-finding` against a running gateway: a team no
 * scenario admitted reaches data, the gateway raises a finding, and the command line lists it,
 * to whom it should, and closes it once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../gateway/src/compliance/compliance-engine.js';
import type { LedgerEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { runGatewayProgram } from '../support/processes.js';
import { findingAbout, unadmittedAccess } from '../support/findings.js';

const RULE = 'access-without-admission';
/** More findings than the gateway sends in one page: the listing must read every page. */
const BATCH = 501;

let gateway: TestGateway;
/** The finding about `accessed`, as the API answers it. */
let finding: Finding;
let accessed: LedgerEntry;
const batchIds: string[] = [];

function cli(args: string[], key = gateway.keys.regulator) {
  return runGatewayProgram('cli/audit-ledger.js', args, {
    AUDIT_LEDGER_URL: gateway.url,
    AUDIT_LEDGER_KEY: key,
    AUDIT_LEDGER_KEY_FILE: '',
  });
}

beforeAll(async () => {
  gateway = await startTestGateway();
  const batch = await gateway.request<{ results: { status: number; entry: LedgerEntry }[] }>(
    'POST',
    '/v1/entries/batch',
    {
      key: gateway.keys['sandbox-writer'],
      body: { entries: Array.from({ length: BATCH }, unadmittedAccess) },
    },
  );
  expect(batch.status).toBe(200);
  batchIds.push(...batch.body.results.map((result) => result.entry.id));
  const written = await gateway.request<LedgerEntry>('POST', '/v1/entries', {
    key: gateway.keys['sandbox-writer'],
    body: unadmittedAccess(),
  });
  expect(written.status).toBe(201);
  accessed = written.body;
  // Blocks are evaluated in order: once this finding is raised, the batch's are too.
  finding = await findingAbout(gateway, accessed.id);
}, 60_000);

afterAll(async () => {
  await gateway.close();
});

describe('audit-ledger findings', { timeout: 30_000 }, () => {
  test('--json lists every page, each finding as the API answers it', async () => {
    const listed = await cli(['findings', '--rule', RULE, '--json']);
    expect(listed.code).toBe(0);
    const { items } = JSON.parse(listed.stdout) as { items: Finding[] };
    const about = new Set(items.map((item) => item.entry.id));
    expect([...batchIds, accessed.id].filter((id) => !about.has(id))).toEqual([]);
    expect(items.find((item) => item.id === finding.id)).toEqual(finding);
  });

  test('shows a person the rule, the entry, what was found, and how many are open', async () => {
    const listed = await cli(['findings', '--status', 'open', '--rule', RULE]);
    expect(listed.code).toBe(0);
    const blocks = listed.stdout.trimEnd().split('\n\n');
    const shown = blocks.find((block) => block.startsWith(`${finding.id}  open\n`)) ?? '';
    expect(shown).toMatch(
      new RegExp(`^ {2}rule +${RULE} v1: data access without team admission$`, 'm'),
    );
    expect(shown).toMatch(
      new RegExp(`^ {2}entry +${accessed.id} \\(ledger position [\\d.]+\\)$`, 'm'),
    );
    expect(shown).toContain(finding.summary);
    expect(shown).toMatch(/^ {4}breach +no-admission$/m);
    expect(blocks.at(-1)).toMatch(/^\d+ findings: \d+ open, 0 closed$/);
  });

  test('a writer lists the findings about its organisation’s entries, and no other', async () => {
    const own = await cli(['findings', '--json'], gateway.keys['sandbox-writer']);
    expect(own.code).toBe(0);
    const ownIds = (JSON.parse(own.stdout) as { items: Finding[] }).items.map((item) => item.id);
    expect(ownIds).toContain(finding.id);

    const other = await cli(['findings', '--json'], gateway.keys['credit-writer']);
    expect(other.code).toBe(0);
    const otherIds = (JSON.parse(other.stdout) as { items: Finding[] }).items.map(
      (item) => item.id,
    );
    expect(otherIds).not.toContain(finding.id);
  });

  test('a filter the command line cannot mean is refused before any call, with exit 2', async () => {
    const refused = await runGatewayProgram(
      'cli/audit-ledger.js',
      ['findings', '--status', 'pending'],
      {
        AUDIT_LEDGER_URL: 'http://127.0.0.1:9',
        AUDIT_LEDGER_KEY: gateway.keys.regulator,
      },
    );
    expect([refused.code, refused.stderr]).toEqual([
      2,
      expect.stringContaining('--status pending: give open or closed') as unknown,
    ]);
  });
});

describe('audit-ledger close-finding', { timeout: 30_000 }, () => {
  const reason = '已核实：该团队的准入申请已补办，复核编号 REV-2026-0301';

  test('a regulator closes a finding once; closing it again is refused with FINDING_CLOSED', async () => {
    const closed = await cli(['close-finding', finding.id, '--reason', reason]);
    expect(closed.code).toBe(0);
    expect(closed.stdout.split('\n')[0]).toBe(`${finding.id}  closed`);
    expect(closed.stdout).toMatch(new RegExp(`^ {2}reason +${reason}$`, 'm'));
    expect(closed.stdout).toMatch(
      new RegExp(`^closure entry closure-${finding.id}, block \\d+, tx \\S+$`, 'm'),
    );

    const listed = await cli(['findings', '--status', 'closed', '--json']);
    const { items } = JSON.parse(listed.stdout) as { items: Finding[] };
    expect(items.find((item) => item.id === finding.id)?.closure).toMatchObject({
      entryId: `closure-${finding.id}`,
      reason,
      closedBy: gateway.names.regulator,
    });

    const again = await cli(['close-finding', finding.id, '--reason', 'once more']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('the gateway answered 409 FINDING_CLOSED');
    expect(again.stderr).toContain(`closed by entry closure-${finding.id}`);
  });

  test('--json prints the closure entry and the closed finding as the gateway answers', async () => {
    const id = (await findingAbout(gateway, batchIds[0] ?? '')).id;
    const closed = await cli(['close-finding', id, '--reason', reason, '--json']);
    expect(closed.code).toBe(0);
    expect(JSON.parse(closed.stdout)).toMatchObject({
      closure: { kind: 'finding-closure', id: `closure-${id}`, payload: { reason } },
      finding: { id, status: 'closed', closure: { reason } },
    });
  });

  test('only a regulator closes, and never without a reason', async () => {
    const id = (await findingAbout(gateway, batchIds[1] ?? '')).id;
    const writer = await cli(
      ['close-finding', id, '--reason', reason],
      gateway.keys['sandbox-writer'],
    );
    expect(writer.code).toBe(3);
    expect(writer.stderr).toContain('the gateway answered 403 FORBIDDEN');

    const noReason = await cli(['close-finding', id]);
    expect([noReason.code, noReason.stderr]).toEqual([
      2,
      expect.stringContaining('give --reason') as unknown,
    ]);
    expect((await findingAbout(gateway, batchIds[1] ?? '')).status).toBe('open');
  });
});
