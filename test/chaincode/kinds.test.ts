import { describe, expect, test } from 'vitest';
import {
  ContractError,
  KindRegistry,
  LEDGER_FORM,
  assertMayWriteSomething,
  defineKindVersion,
  entryDigest,
  identifier,
  standardKinds,
  timestamp,
  type Role,
} from '../../chaincode/src/index.js';
import { API_FORM } from '../../gateway/src/services/entry-requests.js';
import { z } from 'zod';

/** The details an invalid request is refused with, as `path: message`. */
function refusal(raw: unknown, form = LEDGER_FORM): string[] {
  try {
    standardKinds.parseRequest(raw, form);
  } catch (error) {
    if (error instanceof ContractError) {
      expect(error.code).toBe('INVALID_ENTRY');
      return (error.details ?? []).map(({ path, message }) => `${path}: ${message}`);
    }
    throw error;
  }
  throw new Error('the request was accepted');
}

function example(kind: string, index = 0): Record<string, unknown> {
  const payload = standardKinds.find(kind, 1)?.examples[index]?.payload;
  if (payload === undefined) {
    throw new Error(`${kind} has no example ${index}`);
  }
  return structuredClone(payload) as Record<string, unknown>;
}

/**
 * An example of `kind` with fields changed: each key a dotted path (`waived.0.dueBy`), each
 * value the field's new value, `undefined` to remove it.
 */
function changed(kind: string, edits: Record<string, unknown>, index = 0) {
  const payload = example(kind, index);
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    const last = keys.pop() ?? '';
    const parent = keys.reduce<Record<string, unknown>>(
      (node, key) => node[key] as Record<string, unknown>,
      payload,
    );
    if (value === undefined) {
      Reflect.deleteProperty(parent, last);
    } else {
      parent[last] = value;
    }
  }
  return { kind, id: 'e-1', payload };
}

describe('the standard kinds', () => {
  test('are the three recorded from the start, the eight the platform added, and erasures', () => {
    expect(standardKinds.kinds).toEqual([
      'data-access',
      'algorithm-upload',
      'credit-change',
      'team-admission',
      'result-export',
      'federated-round',
      'approval-decision',
      'credit-share',
      'dataset-admission',
      'commitment-check',
      'finding-closure',
      'entry-erasure',
    ]);
    expect(standardKinds.indexes).toEqual([
      'stream',
      'kind',
      'source',
      'approvalRef',
      'recordId',
      'scenarioId',
      'datasetId',
      'matterId',
      'recipientId',
      'findingId',
      'erasedEntryId',
    ]);
    expect(standardKinds.writableKinds('sandbox-writer')).toEqual([
      'data-access',
      'algorithm-upload',
      'team-admission',
      'result-export',
      'federated-round',
      'dataset-admission',
    ]);
    expect(standardKinds.writableKinds('credit-writer')).toEqual([
      'credit-change',
      'approval-decision',
      'credit-share',
      'commitment-check',
      'entry-erasure',
    ]);
    expect(standardKinds.writableKinds('regulator')).toEqual(['finding-closure', 'entry-erasure']);
  });

  test.each(
    standardKinds.versions.flatMap((version) =>
      version.examples.map((example) => ({ version, example })),
    ),
  )(
    '$version.kind v$version.version, “$example.summary”: passes its schema, as stored and as the API takes it',
    ({ version, example: { payload } }) => {
      const request = { kind: version.kind, id: 'example-1', payload };
      expect(standardKinds.parseRequest(request, LEDGER_FORM)).toEqual({
        ...request,
        kindVersion: version.version,
      });
      expect(standardKinds.parseRequest(request, API_FORM).payload).toEqual(payload);
      expect(version.stream(payload)).toMatch(/^[a-z]+:\S/);
    },
  );

  test('a subject may be sent as a number only where the kind declares a subject field', () => {
    const subject = { type: 'person', idNumber: '11010519491231002X' };
    const decision = changed('approval-decision', { applicant: subject });
    expect(standardKinds.parseRequest(decision, API_FORM).payload.applicant).toEqual(subject);
    expect(refusal(decision)).toEqual([
      'payload.applicant.ref: is required',
      'payload.applicant.idNumber: is not an allowed field',
    ]);
    expect(standardKinds.find('approval-decision', 1)?.subjectFields).toEqual(['applicant']);
    expect(standardKinds.find('credit-share', 1)?.subjectFields).toEqual(['subject']);
    expect(standardKinds.find('commitment-check', 1)?.subjectFields).toEqual(['applicant']);
    expect(standardKinds.find('result-export', 1)?.subjectFields).toEqual([]);
  });

  test('each kind is found by its stream and its own indexes, each value once', () => {
    const partitions = (kind: string, index = 0) => {
      const version = standardKinds.find(kind, 1);
      const payload = example(kind, index);
      return standardKinds.indexPartitions({
        kind,
        kindVersion: 1,
        payload,
        stream: version?.stream(payload) ?? '',
        source: 'SandboxOrg/sandbox-platform',
      });
    };
    expect(partitions('credit-share')).toEqual([
      ['stream', `subject:hmac-sha256:${'ab'.repeat(32)}`],
      ['kind', 'credit-share'],
      ['source', 'SandboxOrg/sandbox-platform'],
      ['recordId', 'CR-2026-000318'],
      ['recordId', 'CR-2026-000402'],
      ['recipientId', 'sz-credit-platform'],
    ]);
    expect(partitions('federated-round').slice(3)).toEqual([
      ['scenarioId', 'scenario-31'],
      ['datasetId', 'health/inpatient-2024'],
      ['datasetId', 'elderly-care/service-visits'],
      ['datasetId', 'elderly-care/assessments'],
    ]);
    expect(partitions('team-admission').slice(0, 1)).toEqual([['stream', 'team:traffic-ml']]);
    expect(partitions('result-export').slice(0, 1)).toEqual([['stream', 'team:traffic-ml']]);
    expect(partitions('approval-decision').slice(3)).toEqual([['matterId', 'SQ-2026-004521']]);
    // A dataset's admissions share its trail with the accesses to it.
    expect(partitions('dataset-admission')[0]).toEqual(partitions('data-access')[0]);
    expect(partitions('dataset-admission').slice(3)).toEqual([
      ['scenarioId', 'scenario-12'],
      ['datasetId', 'city-mgmt/traffic-flow-2025'],
      ['approvalRef', 'APR-2026-0042'],
    ]);
    // A commitment check is found beside the approval it checks.
    expect(partitions('commitment-check', 1)[0]).toEqual(partitions('approval-decision')[0]);
    expect(partitions('commitment-check', 1).slice(3)).toEqual([['matterId', 'SQ-2026-004521']]);
    const closure = partitions('finding-closure');
    expect([closure[0], ...closure.slice(3)]).toEqual([
      ['stream', 'finding:export-without-review-v1-5c0e9a41d27b85e6f012'],
      ['findingId', 'export-without-review-v1-5c0e9a41d27b85e6f012'],
    ]);
  });
});

describe('each new kind keeps its own rules', () => {
  test.each([
    [
      'team-admission: an admission names its window',
      changed('team-admission', { 'environment.closesAt': undefined }),
      ['payload.environment.closesAt: is required for action admit'],
    ],
    [
      'team-admission: a window ends after it opens',
      changed('team-admission', { 'environment.closesAt': '2026-03-01T00:00:00+08:00' }),
      ['payload.environment.closesAt: must be later than opensAt'],
    ],
    [
      'team-admission: a removal says why',
      changed('team-admission', { reason: undefined }, 1),
      ['payload.reason: is required for action remove'],
    ],
    [
      'result-export: only an approved review releases a result',
      changed('result-export', { 'review.decision': 'rejected', 'review.approvedBy': undefined }),
      [
        'payload.review.decision: must be approved when status is released',
        'payload.review.approvedBy: is required when status is released',
      ],
    ],
    [
      'result-export: a blocked export says why, and sources are named once',
      changed('result-export', { reason: undefined, datasets: ['a', 'a'] }, 1),
      [
        'payload.reason: is required when status is blocked',
        'payload.datasets[1]: repeats an earlier item',
      ],
    ],
    [
      'federated-round: two organisations at least, each once, and a round ends after it starts',
      changed('federated-round', {
        'participants.1.org': 'district-people-hospital',
        occurredAt: '2026-04-02T02:00:00+08:00',
      }),
      [
        'payload.participants[1].org: repeats an earlier item',
        'payload.occurredAt: must be later than startedAt',
      ],
    ],
    [
      'federated-round: one participant is not federated',
      changed('federated-round', {
        participants: [{ org: 'one-hospital', datasets: ['health/x'] }],
      }),
      ['payload.participants: must hold at least 2 items'],
    ],
    [
      'approval-decision: an approval by credit needs a passed credit check',
      changed('approval-decision', { 'creditCheck.result': 'fail' }),
      ['payload.creditCheck.result: must be pass when an application is approved by credit'],
    ],
    [
      'approval-decision: the commitment mode carries the letter, and only it',
      changed('approval-decision', { mode: 'missing-materials' }),
      ['payload.commitment: must be absent for mode missing-materials'],
    ],
    [
      'approval-decision: what was waived is due after the decision',
      changed('approval-decision', { 'waived.0.dueBy': '2026-02-01T00:00:00+08:00' }),
      ['payload.waived[0].dueBy: must be later than occurredAt'],
    ],
    [
      'approval-decision: instant approval waives nothing; a refusal says why',
      changed(
        'approval-decision',
        {
          waived: [{ material: '营业执照', dueBy: '2026-06-01T00:00:00+08:00' }],
          reason: undefined,
        },
        1,
      ),
      [
        'payload.reason: is required when refused',
        'payload.waived: must be absent for mode instant',
      ],
    ],
    [
      'credit-share: a share names its legal basis',
      changed('credit-share', { legalBasis: undefined }),
      ['payload.legalBasis: is required'],
    ],
    [
      'credit-share: each record is shared once',
      changed('credit-share', { records: ['CR-1', 'CR-1'] }),
      ['payload.records[1]: repeats an earlier item'],
    ],
    [
      'dataset-admission: a withdrawal says why',
      changed('dataset-admission', { reason: undefined }, 1),
      ['payload.reason: is required for action withdraw'],
    ],
    [
      'commitment-check: a broken commitment says why',
      changed('commitment-check', { reason: undefined }, 1),
      ['payload.reason: is required when broken'],
    ],
    [
      'finding-closure: a closure says why, and names the rule version that raised the finding',
      changed('finding-closure', { reason: undefined, 'finding.ruleVersion': 0 }),
      ['payload.reason: is required', 'payload.finding.ruleVersion: must be at least 1'],
    ],
  ])('%s', (_title, request, details) => {
    expect(refusal(request).sort()).toEqual([...details].sort());
  });
});

/** A throw-away kind version, written by `writers`, found by `indexName` if named. */
function testKindVersion(
  kind: string,
  number: number,
  options: { writers?: Role[]; indexName?: string } = {},
) {
  return defineKindVersion({
    kind,
    version: number,
    title: { en: kind, 'zh-CN': kind },
    description: 'test',
    writers: options.writers ?? ['sandbox-writer'],
    payloadWith: () => z.strictObject({ site: identifier(), occurredAt: timestamp }),
    stream: { name: 'site', of: (payload) => payload.site },
    indexes:
      options.indexName === undefined
        ? {}
        : { [options.indexName]: (payload: { site: string }) => payload.site },
    examples: [],
  });
}

describe('versions', () => {
  test('a request names a registered version of its kind, 1 when it names none', () => {
    expect(
      refusal({ kind: 'data-access', kindVersion: 2, id: 'e-1', payload: example('data-access') }),
    ).toEqual(['kindVersion: must be one of 1 for kind data-access']);
    expect(
      refusal({ kind: 'data-access', kindVersion: 0, id: 'e-1', payload: example('data-access') }),
    ).toEqual(['kindVersion: must be at least 1']);
    expect(refusal({ kind: 'data-exodus', id: 'e-1', payload: {} })[0]).toMatch(
      /^kind: must be one of "data-access", /,
    );
    expect(refusal({ kind: 'data-access', id: 'e-1' })).toEqual(['payload: is required']);
  });

  test('a version-1 digest is the one entries always had; later versions are named in theirs', () => {
    const entry = { id: 'e-1', kind: 'data-access', payload: { a: 1 } };
    expect(entryDigest({ ...entry, kindVersion: 1 })).toBe(entryDigest(entry));
    expect(entryDigest({ ...entry, kindVersion: 2 })).not.toBe(entryDigest(entry));
  });

  test('a registry refuses versions out of order, reserved index names and kinds no one may write', () => {
    expect(() => new KindRegistry([testKindVersion('site-visit', 2)])).toThrow(
      'version 2 follows version 0',
    );
    expect(
      () => new KindRegistry([testKindVersion('site-visit', 1), testKindVersion('site-visit', 1)]),
    ).toThrow('version 1 follows version 1');
    expect(() => new KindRegistry([testKindVersion('Site_Visit', 1)])).toThrow('lower-case words');
    expect(() => new KindRegistry([testKindVersion('site-visit', 1, { writers: [] })])).toThrow(
      'no role may write it',
    );
    for (const name of ['from', 'cursor', 'stream', 'kind', 'bad name']) {
      expect(
        () => new KindRegistry([testKindVersion('site-visit', 1, { indexName: name })]),
      ).toThrow(name);
    }
  });

  test('where a role may write no kind at all, it is refused before any request is read', () => {
    const kinds = new KindRegistry([testKindVersion('site-visit', 1)]);
    expect(() => {
      assertMayWriteSomething(kinds, { role: 'regulator' });
    }).toThrow('role regulator may not write entries');
    expect(() => {
      assertMayWriteSomething(kinds, { role: 'sandbox-writer' });
    }).not.toThrow();
  });
});
