/**
 * Each standard compliance rule over entries built from the kinds' own examples (so every payload
 * passes its schema), with its state in memory as the engine keeps it: JSON values by key.
 */
import { describe, expect, test } from 'vitest';
import {
  LEDGER_FORM,
  entryDigest,
  organizationGranting,
  standardConsortium,
  standardKinds,
} from '../../chaincode/src/index.js';
import {
  DEFAULT_RULE_SETTINGS,
  type ComplianceRule,
  type FindingDraft,
  type ObservedEntry,
  type RuleSettings,
  type RuleState,
} from '../../gateway/src/compliance/rule.js';
import { instantOf } from '../../gateway/src/compliance/rules/observed-entry.js';
import { standardRules } from '../../gateway/src/compliance/standard-rules.js';

/** Rule state as the engine keeps it: each value stored as JSON, listed in key order. */
class MemoryRuleState implements RuleState {
  readonly values = new Map<string, string>();

  get(key: string): unknown {
    const value = this.values.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as unknown);
  }

  put(key: string, value: unknown): void {
    this.values.set(key, JSON.stringify(value));
  }

  remove(key: string): void {
    this.values.delete(key);
  }

  list(prefix: string): [key: string, value: unknown][] {
    return [...this.values]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => [key, JSON.parse(value) as unknown]);
  }
}

function ruleNamed(id: string): ComplianceRule {
  const rule = standardRules.find((candidate) => candidate.id === id);
  if (rule === undefined) {
    throw new Error(`no rule ${id}`);
  }
  return rule;
}

/** One rule fed entries as the engine feeds it: only the kinds it observes, in order. */
class RuleRun {
  readonly state = new MemoryRuleState();

  constructor(
    readonly rule: ComplianceRule,
    readonly settings: RuleSettings = DEFAULT_RULE_SETTINGS,
  ) {}

  observe(...entries: ObservedEntry[]): FindingDraft[] {
    const { observes } = this.rule;
    return entries
      .filter((entry) => observes === '*' || observes.includes(entry.kind))
      .flatMap((entry) => this.rule.observe(entry, this.state, this.settings));
  }

  due(now: string): FindingDraft[] {
    return this.rule.due?.(Date.parse(now), this.state, this.settings) ?? [];
  }
}

/**
 * A kind's example payload with fields changed: each key a dotted path (`review.reviewer`), each
 * value the field's new value, `undefined` to remove it.
 */
function payload(kind: string, edits: Record<string, unknown> = {}, index = 0) {
  const example = standardKinds.find(kind, 1)?.examples[index]?.payload;
  if (example === undefined) {
    throw new Error(`${kind} has no example ${index}`);
  }
  const edited = structuredClone(example) as Record<string, unknown>;
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    const parent = keys.reduce<Record<string, unknown>>(
      (node, key) => node[key] as Record<string, unknown>,
      edited,
    );
    if (value === undefined) {
      Reflect.deleteProperty(parent, last);
    } else {
      parent[last] = value;
    }
  }
  return edited;
}

let written = 0;

/** A committed entry of `kind` whose payload passed its schema, written by the kind's role. */
function committed(
  kind: string,
  edits: Record<string, unknown> = {},
  options: { example?: number; sourceSeq?: number; source?: string; committedAt?: string } = {},
): ObservedEntry {
  written += 1;
  const request = standardKinds.parseRequest(
    {
      kind,
      id: `entry-${written}`,
      ...(options.sourceSeq === undefined ? {} : { sourceSeq: options.sourceSeq }),
      payload: payload(kind, edits, options.example),
    },
    LEDGER_FORM,
  );
  const role = standardKinds.find(kind, 1)?.writers[0] ?? 'regulator';
  const mspId = organizationGranting(standardConsortium, role);
  return {
    ...request,
    stream: standardKinds.streamOf(request),
    source: options.source ?? `${mspId}/${role}-system`,
    digest: entryDigest(request),
    txId: `tx-${written}`,
    committedAt: options.committedAt ?? '2026-06-01T00:00:00.000000000Z',
    submitter: { mspId, role, name: `${role}-system`, subject: `CN=${role}-system` },
    blockNumber: written,
    position: `${written}.0`,
  };
}

const SUBJECT_REF = `hmac-sha256:${'ab'.repeat(32)}`;

describe('the standard rules', () => {
  test('observe only registered kinds, each rule version once, named and described', () => {
    const versions = standardRules.map((rule) => `${rule.id}@${rule.version}`);
    expect(new Set(versions).size).toBe(versions.length);
    for (const rule of standardRules) {
      expect(rule.id).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
      expect(Number.isInteger(rule.version) && rule.version >= 1).toBe(true);
      expect(rule.title.en).not.toBe('');
      expect(rule.title['zh-CN']).not.toBe('');
      expect(rule.description.length).toBeGreaterThan(100);
      if (rule.observes !== '*') {
        expect(rule.observes.length).toBeGreaterThan(0);
        for (const kind of rule.observes) {
          expect(standardKinds.kinds, `${rule.id} observes ${kind}`).toContain(kind);
        }
      }
    }
  });
});

describe('access-without-admission', () => {
  const admitted = () => committed('team-admission');
  const access = (edits: Record<string, unknown> = {}) => committed('data-access', edits);

  test('a granted access inside the team’s window is no finding; one with no admission is', () => {
    const run = new RuleRun(ruleNamed('access-without-admission'));
    const unadmitted = access();
    const [finding] = run.observe(unadmitted);
    expect(finding).toMatchObject({
      entry: { id: unadmitted.id, position: unadmitted.position, mspId: 'SandboxOrg' },
      details: { breach: 'no-admission', team: 'traffic-ml', scenarioId: 'scenario-12' },
    });
    expect(finding?.details).not.toHaveProperty('admissionEntry');
    expect(finding?.summary).toBe(
      'Team traffic-ml accessed dataset city-mgmt/traffic-flow-2025 under scenario-12 with no admission to it.',
    );

    expect(run.observe(admitted(), access())).toEqual([]);
    expect(run.observe(access({ 'purpose.scenarioId': 'scenario-13' }))).toMatchObject([
      { details: { breach: 'no-admission' } },
    ]);
  });

  test('the window opens at opensAt and closes at closesAt, whatever the offsets', () => {
    const run = new RuleRun(ruleNamed('access-without-admission'));
    const admission = admitted();
    run.observe(admission);
    // opensAt is 2026-03-01T00:00:00+08:00.
    expect(run.observe(access({ occurredAt: '2026-02-28T16:00:00Z' }))).toEqual([]);
    expect(run.observe(access({ occurredAt: '2026-02-28T15:59:59.999Z' }))).toMatchObject([
      {
        details: {
          breach: 'before-window',
          admissionEntry: `SandboxOrg/${admission.id}`,
          opensAt: '2026-03-01T00:00:00+08:00',
          closesAt: '2026-06-01T00:00:00+08:00',
        },
      },
    ]);
    expect(run.observe(access({ occurredAt: '2026-06-01T00:00:00+08:00' }))).toMatchObject([
      { details: { breach: 'after-window' } },
    ]);
  });

  test('an extension moves the window’s close', () => {
    const run = new RuleRun(ruleNamed('access-without-admission'));
    const extension = committed('team-admission', {
      action: 'extend',
      'environment.opensAt': undefined,
      'environment.closesAt': '2026-09-01T00:00:00+08:00',
      occurredAt: '2026-05-28T10:00:00+08:00',
    });
    run.observe(admitted(), extension);
    expect(run.observe(access({ occurredAt: '2026-07-15T09:00:00+08:00' }))).toEqual([]);
    expect(run.observe(access({ occurredAt: '2026-09-01T00:00:00+08:00' }))).toMatchObject([
      { details: { breach: 'after-window', closesAt: '2026-09-01T00:00:00+08:00' } },
    ]);
  });

  test('a removal ends the admission at its time: accesses from then on are findings', () => {
    const run = new RuleRun(ruleNamed('access-without-admission'));
    // Removed at 2026-04-18T11:05:00+08:00.
    run.observe(admitted(), committed('team-admission', {}, { example: 1 }));
    expect(run.observe(access({ occurredAt: '2026-04-18T11:04:59+08:00' }))).toEqual([]);
    expect(run.observe(access({ occurredAt: '2026-04-18T11:05:00+08:00' }))).toMatchObject([
      { details: { breach: 'after-removal', removedAt: '2026-04-18T11:05:00+08:00' } },
    ]);
    // Admitted again, with a new window: removal no longer applies.
    run.observe(
      committed('team-admission', {
        'environment.opensAt': '2026-05-01T00:00:00+08:00',
        occurredAt: '2026-04-30T09:00:00+08:00',
      }),
    );
    expect(run.observe(access({ occurredAt: '2026-05-02T09:00:00+08:00' }))).toEqual([]);
  });

  test('denied accesses, accesses naming no team and other kind versions are not judged', () => {
    const run = new RuleRun(ruleNamed('access-without-admission'));
    const denied = access({ outcome: 'denied', reason: '超出范围' });
    const teamless = access({ 'actor.team': undefined });
    const later = { ...access(), kindVersion: 2 };
    expect(run.observe(denied, teamless, later)).toEqual([]);
  });
});

describe('export-without-review', () => {
  const released = (edits: Record<string, unknown> = {}) => committed('result-export', edits);
  const flawsOf = (findings: FindingDraft[]) => findings.map((finding) => finding.details.flaws);

  test('a release reviewed before, by two people other than the exporter, is no finding', () => {
    const run = new RuleRun(ruleNamed('export-without-review'));
    expect(run.observe(released())).toEqual([]);
  });

  test('a review recorded after the release is a finding', () => {
    const run = new RuleRun(ruleNamed('export-without-review'));
    const late = released({ 'review.reviewedAt': '2026-05-20T14:32:11+08:00' });
    expect(run.observe(late)).toEqual([
      {
        key: `SandboxOrg/${late.id}`,
        entry: { id: late.id, position: late.position, mspId: 'SandboxOrg' },
        summary:
          'Result res-2026-0311 of team traffic-ml was released reviewed only after it left.',
        details: {
          flaws: ['reviewed-after-release'],
          result: 'res-2026-0311',
          team: 'traffic-ml',
          review: 'REV-2026-0088',
          reviewer: 'reviewer-05',
          approvedBy: 'sandbox-head-01',
          reviewedAt: '2026-05-20T14:32:11+08:00',
          releasedAt: '2026-05-20T14:32:10+08:00',
        },
      },
    ]);
  });

  test('the exporting team or the writing system reviewing or approving itself is a finding', () => {
    const run = new RuleRun(ruleNamed('export-without-review'));
    const byTeam = released({ 'review.reviewer': 'traffic-ml' });
    const byWriter = released({ 'review.approvedBy': byTeam.submitter.name });
    expect(flawsOf(run.observe(byTeam, byWriter))).toEqual([
      ['reviewed-by-exporting-team'],
      ['reviewed-by-exporting-team'],
    ]);
  });

  test('one person reviewing and approving is a finding; every flaw is named', () => {
    const run = new RuleRun(ruleNamed('export-without-review'));
    const alone = released({ 'review.approvedBy': 'reviewer-05' });
    const everything = released({
      'review.reviewer': 'traffic-ml',
      'review.approvedBy': 'traffic-ml',
      'review.reviewedAt': '2026-05-21T09:00:00+08:00',
    });
    const findings = run.observe(alone, everything);
    expect(flawsOf(findings)).toEqual([
      ['no-second-person'],
      ['reviewed-after-release', 'reviewed-by-exporting-team', 'no-second-person'],
    ]);
    expect(findings[1]?.summary).toBe(
      'Result res-2026-0311 of team traffic-ml was released reviewed only after it left, and reviewed or approved by the team that exported it, and reviewed and approved by the same person.',
    );
  });

  test('a blocked export is not judged', () => {
    const run = new RuleRun(ruleNamed('export-without-review'));
    const blocked = committed('result-export', { 'review.reviewer': 'traffic-ml' }, { example: 1 });
    expect(run.observe(blocked)).toEqual([]);
  });
});

describe('round-dataset-not-admitted', () => {
  const ROUND_DATASETS = [
    'health/inpatient-2024',
    'elderly-care/service-visits',
    'elderly-care/assessments',
  ];
  const admission = (dataset: string, edits: Record<string, unknown> = {}) =>
    committed('dataset-admission', {
      'dataset.id': dataset,
      scenarioId: 'scenario-31',
      approvalRef: 'APR-2026-0057',
      ...edits,
    });
  // Started at 2026-04-02T02:00:00+08:00.
  const round = () => committed('federated-round');

  test('a round over datasets all admitted to its scenario is no finding', () => {
    const run = new RuleRun(ruleNamed('round-dataset-not-admitted'));
    run.observe(...ROUND_DATASETS.map((dataset) => admission(dataset)));
    expect(run.observe(round())).toEqual([]);
  });

  test('one finding per round names every dataset not admitted when it started', () => {
    const run = new RuleRun(ruleNamed('round-dataset-not-admitted'));
    run.observe(
      admission('health/inpatient-2024'),
      admission('elderly-care/service-visits', { scenarioId: 'scenario-12' }),
      admission('elderly-care/assessments', { occurredAt: '2026-04-02T02:00:01+08:00' }),
    );
    const started = round();
    expect(run.observe(started)).toEqual([
      {
        key: `SandboxOrg/${started.id}`,
        entry: { id: started.id, position: started.position, mspId: 'SandboxOrg' },
        summary:
          'Round 7 of job fl-elderly-care-03 used datasets not admitted to scenario-31 when it started: elderly-care/service-visits, elderly-care/assessments.',
        details: {
          job: 'fl-elderly-care-03',
          round: 7,
          scenarioId: 'scenario-31',
          startedAt: '2026-04-02T02:00:00+08:00',
          datasets: ['elderly-care/service-visits', 'elderly-care/assessments'],
        },
      },
    ]);
  });

  test('a withdrawal before the round’s start counts; one after it does not; admitted again counts', () => {
    const run = new RuleRun(ruleNamed('round-dataset-not-admitted'));
    run.observe(...ROUND_DATASETS.map((dataset) => admission(dataset)));
    const withdrawal = (occurredAt: string) =>
      admission('health/inpatient-2024', { action: 'withdraw', reason: '授权到期', occurredAt });

    run.observe(withdrawal('2026-04-02T02:00:00+08:00'));
    expect(run.observe(round())).toMatchObject([
      { details: { datasets: ['health/inpatient-2024'] } },
    ]);

    const again = new RuleRun(ruleNamed('round-dataset-not-admitted'));
    again.observe(...ROUND_DATASETS.map((dataset) => admission(dataset)));
    again.observe(withdrawal('2026-04-02T02:00:01+08:00'));
    expect(again.observe(round())).toEqual([]);

    run.observe(admission('health/inpatient-2024', { occurredAt: '2026-04-01T00:00:00+08:00' }));
    expect(run.observe(round())).toEqual([]);
  });
});

describe('algorithm-before-approval', () => {
  const upload = (status: string, occurredAt: string, version = '1.4.0') =>
    committed('algorithm-upload', { status, occurredAt, 'algorithm.version': version });
  // Uses alg-traffic-forecast 1.4.0 at 2026-05-20T14:32:10+08:00.
  const exported = () => committed('result-export');
  const standingsOf = (findings: FindingDraft[]) =>
    findings.map((finding) => finding.details.standing);

  test('a use after the version’s approval is no finding; a use with none is', () => {
    const run = new RuleRun(ruleNamed('algorithm-before-approval'));
    const used = exported();
    expect(run.observe(used)).toEqual([
      {
        key: `SandboxOrg/${used.id}`,
        entry: { id: used.id, position: used.position, mspId: 'SandboxOrg' },
        summary:
          'Algorithm alg-traffic-forecast 1.4.0 was used in the export of result res-2026-0311 at 2026-05-20T14:32:10+08:00, before any approval.',
        details: {
          standing: 'never-approved',
          algorithm: 'alg-traffic-forecast',
          version: '1.4.0',
          usedAt: '2026-05-20T14:32:10+08:00',
        },
      },
    ]);
    run.observe(
      upload('submitted', '2026-03-01T08:00:00Z'),
      upload('approved', '2026-03-05T10:00:00+08:00'),
    );
    expect(run.observe(exported())).toEqual([]);
  });

  test('another version’s approval does not count, nor one dated after the use', () => {
    const run = new RuleRun(ruleNamed('algorithm-before-approval'));
    run.observe(
      upload('approved', '2026-03-05T10:00:00+08:00', '1.3.0'),
      upload('approved', '2026-05-21T10:00:00+08:00'),
    );
    expect(standingsOf(run.observe(exported()))).toEqual(['approved-after-use']);
  });

  test('a rejection or retirement at or before the use, after the approval, is a finding', () => {
    const run = new RuleRun(ruleNamed('algorithm-before-approval'));
    const retirement = upload('retired', '2026-05-20T14:32:10+08:00');
    run.observe(upload('approved', '2026-03-05T10:00:00+08:00'), retirement);
    expect(run.observe(exported())).toMatchObject([
      { details: { standing: 'retired', decisionEntry: `SandboxOrg/${retirement.id}` } },
    ]);

    const later = new RuleRun(ruleNamed('algorithm-before-approval'));
    later.observe(
      upload('approved', '2026-03-05T10:00:00+08:00'),
      upload('rejected', '2026-05-20T14:32:11+08:00'),
    );
    expect(later.observe(exported())).toEqual([]);

    const rejected = new RuleRun(ruleNamed('algorithm-before-approval'));
    rejected.observe(upload('rejected', '2026-03-05T10:00:00+08:00'));
    expect(standingsOf(rejected.observe(exported()))).toEqual(['rejected']);
  });

  test('a federated round uses its job’s algorithm when it starts; a round naming none is not judged', () => {
    const run = new RuleRun(ruleNamed('algorithm-before-approval'));
    run.observe(
      committed('algorithm-upload', {
        'algorithm.id': 'alg-readmission-risk',
        'algorithm.version': '2.0.1',
        status: 'approved',
        occurredAt: '2026-04-02T02:00:00+08:00',
      }),
    );
    expect(run.observe(committed('federated-round'))).toEqual([]);
    expect(
      standingsOf(
        run.observe(committed('federated-round', { startedAt: '2026-04-02T01:59:59+08:00' })),
      ),
    ).toEqual(['approved-after-use']);
    expect(run.observe(committed('federated-round', { 'job.algorithm': undefined }))).toEqual([]);
  });
});

describe('share-without-legal-basis', () => {
  // Shares CR-2026-000318 and CR-2026-000402 of SUBJECT_REF at 2026-06-03T01:00:00+08:00.
  const share = (edits: Record<string, unknown> = {}) => committed('credit-share', edits);
  const ended = (change: 'revoke' | 'expire' | 'create', edits: Record<string, unknown> = {}) =>
    committed('credit-change', {
      change,
      ...(change === 'create' ? {} : { before: `sha256:${'a1'.repeat(32)}`, after: undefined }),
      occurredAt: '2026-06-02T16:40:00+08:00',
      ...edits,
    });

  test.each([
    ['《深圳经济特区社会信用条例》第二十四条', true],
    ['依据社会信用条例第二十条', true],
    ['第 24 条', true],
    ['个人信息保护法', true],
    ['征信业管理条例', true],
    ['依据市政府有关规定', true],
    ['Article 24 of the Shenzhen Social Credit Regulations', true],
    ['Personal Information Protection Law', true],
    ['工作需要', false],
    ['依申请', false],
    ['依法', false],
    ['无法提供依据', false],
    ['bylaws of the platform', false],
  ])('“%s” cites a law or regulation: %s', (legalBasis, cites) => {
    const run = new RuleRun(ruleNamed('share-without-legal-basis'));
    const findings = run.observe(share({ legalBasis }));
    expect(findings.map((finding) => finding.details.flaws)).toEqual(
      cites ? [] : [['no-law-cited']],
    );
  });

  test('sharing a record revoked or expired before the share is a finding, naming no subject', () => {
    const run = new RuleRun(ruleNamed('share-without-legal-basis'));
    const revoked = ended('revoke');
    const expired = ended('expire', { recordId: 'CR-2026-000402' });
    run.observe(revoked, expired);
    const shared = share({ legalBasis: '工作需要' });
    const findings = run.observe(shared);
    expect(findings).toEqual([
      {
        key: `CreditOrg/${shared.id}`,
        entry: { id: shared.id, position: shared.position, mspId: 'CreditOrg' },
        summary:
          'A credit share to sz-credit-platform at 2026-06-03T01:00:00+08:00 is not allowed: its legal basis cites no law or regulation; it shares records no longer in force: CR-2026-000318, CR-2026-000402.',
        details: {
          flaws: ['no-law-cited', 'ended-records'],
          recipient: 'sz-credit-platform',
          sharedAt: '2026-06-03T01:00:00+08:00',
          endedRecords: ['CR-2026-000318', 'CR-2026-000402'],
          endingEntries: [`CreditOrg/${revoked.id}`, `CreditOrg/${expired.id}`],
        },
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain(SUBJECT_REF);
  });

  test('a record revoked after the share, another subject’s, or restored since, is no finding', () => {
    const run = new RuleRun(ruleNamed('share-without-legal-basis'));
    run.observe(
      ended('revoke', { occurredAt: '2026-06-03T01:00:01+08:00' }),
      ended('revoke', {
        recordId: 'CR-2026-000402',
        'subject.ref': `hmac-sha256:${'cd'.repeat(32)}`,
      }),
    );
    expect(run.observe(share())).toEqual([]);

    const restored = new RuleRun(ruleNamed('share-without-legal-basis'));
    restored.observe(ended('expire'), ended('create', { occurredAt: '2026-06-02T17:00:00+08:00' }));
    expect(restored.observe(share())).toEqual([]);
  });

  const erasureOf = (entry: ObservedEntry) =>
    committed('entry-erasure', {
      'entry.mspId': entry.submitter.mspId,
      'entry.id': entry.id,
      'entry.digest': entry.digest,
    });

  test('erasing the change that ended a record forgets it: its subject and record leave the state', () => {
    const run = new RuleRun(ruleNamed('share-without-legal-basis'));
    const revoked = ended('revoke');
    run.observe(revoked, ended('expire', { recordId: 'CR-2026-000402' }), erasureOf(revoked));
    const findings = run.observe(share());
    expect(findings.map((finding) => finding.details.endedRecords)).toEqual([['CR-2026-000402']]);
    expect(JSON.stringify(run.state.list(''))).not.toContain('CR-2026-000318');
  });

  test('erasing an earlier end of a record, restored and ended again since, keeps the later end', () => {
    const run = new RuleRun(ruleNamed('share-without-legal-basis'));
    const first = ended('revoke', { occurredAt: '2026-06-01T10:00:00+08:00' });
    run.observe(
      first,
      ended('create', { occurredAt: '2026-06-01T11:00:00+08:00' }),
      ended('expire', { recordId: 'CR-2026-000318' }),
      erasureOf(first),
    );
    expect(run.observe(share()).map((finding) => finding.details.endedRecords)).toEqual([
      ['CR-2026-000318'],
    ]);
  });
});

describe('commitment-overdue', () => {
  // SQ-2026-004521 for SUBJECT_REF, approved on a commitment letter; due by 2026-05-31T23:59:59+08:00.
  const approved = (edits: Record<string, unknown> = {}) => committed('approval-decision', edits);
  const check = (result: 'fulfilled' | 'broken', occurredAt: string, edits = {}) =>
    committed(
      'commitment-check',
      { result, occurredAt, ...(result === 'broken' ? {} : { reason: undefined }), ...edits },
      { example: 1 },
    );

  test('a commitment checked fulfilled by its deadline is no finding, then or later', () => {
    const run = new RuleRun(ruleNamed('commitment-overdue'));
    run.observe(approved(), check('fulfilled', '2026-05-31T23:59:59+08:00'));
    expect(run.due('2026-07-01T00:00:00Z')).toEqual([]);
    expect(run.state.values.size).toBe(0);
  });

  test('a deadline passed with no fulfilled check is one finding, once, naming no applicant', () => {
    const run = new RuleRun(ruleNamed('commitment-overdue'));
    const approval = approved();
    expect(run.observe(approval)).toEqual([]);
    expect(run.due('2026-05-31T15:59:59Z')).toEqual([]);
    const findings = run.due('2026-05-31T16:00:00Z');
    expect(findings).toEqual([
      {
        key: `CreditOrg/${approval.id}`,
        entry: { id: approval.id, position: approval.position, mspId: 'CreditOrg' },
        summary:
          'Matter SQ-2026-004521: no check found the commitments made on approval kept by 2026-05-31T23:59:59+08:00, when they were due.',
        details: {
          matterId: 'SQ-2026-004521',
          deadline: '2026-05-31T23:59:59+08:00',
          approvalEntry: `CreditOrg/${approval.id}`,
        },
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain(SUBJECT_REF);
    expect(run.due('2026-08-01T00:00:00Z')).toEqual([]);
    expect(run.state.values.size).toBe(0);
  });

  test('a fulfilled check after the deadline, or for another applicant, does not keep it', () => {
    const run = new RuleRun(ruleNamed('commitment-overdue'));
    run.observe(
      approved(),
      check('fulfilled', '2026-05-20T10:00:00+08:00', {
        'applicant.ref': `hmac-sha256:${'cd'.repeat(32)}`,
      }),
      check('fulfilled', '2026-06-01T00:00:00+08:00'),
    );
    expect(run.due('2026-06-02T00:00:00Z')).toHaveLength(1);
  });

  test('a broken check is a finding at once, the same one the deadline would raise', () => {
    const run = new RuleRun(ruleNamed('commitment-overdue'));
    const approval = approved();
    run.observe(approval);
    const broken = check('broken', '2026-05-10T09:00:00+08:00');
    const [finding] = run.observe(broken);
    expect(finding).toMatchObject({
      key: `CreditOrg/${approval.id}`,
      entry: { id: approval.id },
      details: { brokenCheck: `CreditOrg/${broken.id}` },
    });
    expect(finding?.summary).toBe(
      'Matter SQ-2026-004521: a check found the commitments made on approval, due by 2026-05-31T23:59:59+08:00, broken.',
    );
    expect(run.due('2026-07-01T00:00:00Z')).toEqual([]);
  });

  test('the deadline is the latest due date; approvals waiving nothing, or refused, are not followed', () => {
    const run = new RuleRun(ruleNamed('commitment-overdue'));
    run.observe(
      approved({
        mode: 'missing-materials',
        commitment: undefined,
        waived: [
          { material: '场所消防验收证明', dueBy: '2026-09-30T23:59:59+08:00' },
          { material: '环境影响评价批复', dueBy: '2026-05-31T23:59:59+08:00' },
        ],
      }),
    );
    expect(run.due('2026-09-30T15:59:59Z')).toEqual([]);
    expect(run.due('2026-09-30T16:00:00Z')).toMatchObject([
      { details: { deadline: '2026-09-30T23:59:59+08:00' } },
    ]);

    const untracked = new RuleRun(ruleNamed('commitment-overdue'));
    untracked.observe(
      approved({ waived: undefined }),
      committed('approval-decision', {}, { example: 1 }),
    );
    expect(untracked.state.values.size).toBe(0);
  });
});

describe('source-sequence-gap', () => {
  const SOURCE = 'SandboxOrg/sandbox-platform';
  const numbered = (
    sourceSeq: number,
    committedAt = '2026-06-01T08:00:00.123456789Z',
    source = SOURCE,
  ) => committed('data-access', {}, { sourceSeq, source, committedAt });
  const gapsOf = (findings: FindingDraft[]) =>
    findings.map((finding) => [finding.details.from, finding.details.to]);
  // The default grace is 15 minutes: a gap noticed at 08:00:00.123 is due after 08:15:00.123.
  const GRACE_OVER = '2026-06-01T08:15:00.124Z';

  test('consecutive numbers leave no gap', () => {
    const run = new RuleRun(ruleNamed('source-sequence-gap'));
    run.observe(numbered(1), numbered(2), numbered(3), committed('data-access'));
    expect(run.due('2026-07-01T00:00:00Z')).toEqual([]);
  });

  test('a skipped range is one finding once the grace period after it was noticed is over', () => {
    const run = new RuleRun(ruleNamed('source-sequence-gap'));
    const skipping = numbered(5);
    expect(run.observe(numbered(1), skipping)).toEqual([]);
    expect(run.due('2026-06-01T08:15:00.123Z')).toEqual([]);
    expect(run.due(GRACE_OVER)).toEqual([
      {
        key: JSON.stringify([SOURCE, 2, 4]),
        entry: { id: skipping.id, position: skipping.position, mspId: 'SandboxOrg' },
        summary: `Source ${SOURCE}: sourceSeq 2 to 4 never arrived, missing since 2026-06-01T08:00:00.123456789Z.`,
        details: {
          source: SOURCE,
          from: 2,
          to: 4,
          missing: 3,
          noticedAt: '2026-06-01T08:00:00.123456789Z',
          noticedBy: `SandboxOrg/${skipping.id}`,
        },
      },
    ]);
    expect(run.due('2026-06-02T00:00:00Z')).toEqual([]);
  });

  test('a number arriving late fills its place, splitting the range', () => {
    const run = new RuleRun(ruleNamed('source-sequence-gap'));
    run.observe(numbered(1), numbered(6), numbered(3));
    expect(gapsOf(run.due(GRACE_OVER))).toEqual([
      [2, 2],
      [4, 5],
    ]);

    const filled = new RuleRun(ruleNamed('source-sequence-gap'));
    filled.observe(numbered(1), numbered(4), numbered(3), numbered(2), numbered(3));
    expect(filled.due(GRACE_OVER)).toEqual([]);
  });

  test('numbers below the first seen are no gap; each source has its own sequence', () => {
    const run = new RuleRun(ruleNamed('source-sequence-gap'));
    const other = 'SandboxOrg/fl-coordinator';
    run.observe(numbered(10), numbered(3), numbered(11), numbered(1, undefined, other));
    run.observe(numbered(3, undefined, other));
    expect(run.due(GRACE_OVER)).toMatchObject([{ details: { source: other, from: 2, to: 2 } }]);
  });

  test('a huge skip is stored as one range, and the grace period is the deployment’s', () => {
    const run = new RuleRun(ruleNamed('source-sequence-gap'), { sequenceGapGraceMs: 60_000 });
    run.observe(numbered(1), numbered(1_000_000));
    expect(run.state.values.size).toBe(1);
    expect(JSON.stringify([...run.state.values.values()]).length).toBeLessThan(500);
    expect(run.due('2026-06-01T08:01:00.123Z')).toEqual([]);
    expect(run.due('2026-06-01T08:01:00.124Z')).toMatchObject([
      { details: { from: 2, to: 999_999, missing: 999_998 } },
    ]);
  });
});

test('rules read times alike from any offset and from the ledger’s nanoseconds', () => {
  expect(instantOf('2026-06-01T08:00:00.123456789Z')).toBe(
    instantOf('2026-06-01T16:00:00.123+08:00'),
  );
  expect(instantOf('2026-06-01T08:00:00.123456789Z')).toBe(Date.UTC(2026, 5, 1, 8, 0, 0, 123));
});
