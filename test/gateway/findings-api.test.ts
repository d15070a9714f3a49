/**
 * Compliance findings, black-box over HTTP on the ledger the suite runs on: each rule fires on
 * its example and not on its counter-example, findings reach the caller who may read their
 * entry and nobody else, and a regulator's closure is an entry on the ledger.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Finding } from '../../gateway/src/compliance/compliance-engine.js';
import { openEventStream } from '../support/event-stream.js';
import { TEST_LEDGER, startTestGateway, type TestGateway } from '../support/gateway-server.js';
import { allFindings } from '../support/findings.js';
import { PSEUDONYM, entryOfKind, unique } from '../support/sample-entries.js';

const WAIT_MS = 60_000;

describe(`compliance findings on ${TEST_LEDGER}`, { timeout: 120_000 }, () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ SEQUENCE_GAP_GRACE_MS: '1000', COMPLIANCE_SWEEP_MS: '200' });
  });

  afterAll(async () => {
    await gateway.close();
  });

  async function write(role: 'sandbox-writer' | 'credit-writer', requests: unknown[]) {
    const written = await gateway.request<{ results: { status: number; error?: unknown }[] }>(
      'POST',
      '/v1/entries/batch',
      { key: gateway.keys[role], body: { entries: requests } },
    );
    expect(written.status).toBe(200);
    expect(written.body.results.filter((result) => result.status !== 201)).toEqual([]);
  }

  /**
   * The findings of `rule` about the entries `ids`, once the one about `fires` is there: entries
   * are evaluated in ledger order, so the counter-examples written before it were evaluated too.
   */
  async function judged(rule: string, fires: string, ids: string[]): Promise<Finding[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const about = (await allFindings(gateway, { rule })).filter((finding) =>
        ids.includes(finding.entry.id),
      );
      if (about.some((finding) => finding.entry.id === fires) || Date.now() > deadline) {
        return about;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  test('access-without-admission: a team not admitted is found; an admitted one in its window is not', async () => {
    const [team, outsider, scenarioId] = ['team', 'outsider', 'scenario'].map(unique);
    const admitted = entryOfKind('data-access', {
      actor: { org: 'sz-smart-traffic-co', user: 'analyst-07', team },
      purpose: { scenarioId, approvalRef: 'APR-1' },
      occurredAt: '2026-04-01T10:00:00+08:00',
    });
    const notAdmitted = entryOfKind('data-access', {
      actor: { org: 'sz-smart-traffic-co', user: 'analyst-09', team: outsider },
      purpose: { scenarioId, approvalRef: 'APR-1' },
      occurredAt: '2026-04-01T10:00:00+08:00',
    });
    await write('sandbox-writer', [
      entryOfKind('team-admission', {
        team: { id: team, organization: 'sz-smart-traffic-co' },
        scenarioId,
        action: 'admit',
        environment: {
          id: 'env-1',
          opensAt: '2026-03-01T00:00:00+08:00',
          closesAt: '2026-06-01T00:00:00+08:00',
        },
      }),
      admitted,
      notAdmitted,
    ]);
    const found = await judged('access-without-admission', notAdmitted.id, [
      admitted.id,
      notAdmitted.id,
    ]);
    expect(found.map((finding) => finding.entry.id)).toEqual([notAdmitted.id]);
    expect(found[0]).toMatchObject({ status: 'open', rule: { version: 1 } });
    expect(found[0]?.summary).toContain(outsider);
  });

  test('export-without-review: one person reviewing and approving is found; two are not', async () => {
    const team = unique('exporters');
    const release = (reviewer: string, approvedBy: string) =>
      entryOfKind('result-export', {
        team,
        review: {
          ref: unique('review'),
          decision: 'approved',
          reviewer,
          approvedBy,
          reviewedAt: '2026-04-01T09:00:00+08:00',
        },
        status: 'released',
        occurredAt: '2026-04-02T09:00:00+08:00',
      });
    const twoPeople = release('reviewer-a', 'director-b');
    const onePerson = release('reviewer-a', 'reviewer-a');
    await write('sandbox-writer', [twoPeople, onePerson]);
    const found = await judged('export-without-review', onePerson.id, [twoPeople.id, onePerson.id]);
    expect(found.map((finding) => finding.entry.id)).toEqual([onePerson.id]);
    expect(found[0]?.details.flaws).toEqual(['no-second-person']);
  });

  test('round-dataset-not-admitted and algorithm-before-approval: found where they fail, not where they hold', async () => {
    const scenarioId = unique('fl-scenario');
    const admittedSet = unique('admitted-set');
    const strangerSet = unique('stranger-set');
    const algorithm = unique('fl-algorithm');
    const round = (datasets: string[], version: string) =>
      entryOfKind('federated-round', {
        job: { id: unique('fl-job'), scenarioId, algorithm: { id: algorithm, version } },
        participants: [
          { org: 'district-people-hospital', datasets: [admittedSet] },
          { org: 'district-elderly-care-center', datasets },
        ],
        startedAt: '2026-05-02T02:00:00+08:00',
        occurredAt: '2026-05-02T02:40:00+08:00',
      });
    const compliant = round([admittedSet], '1.0.0');
    const strangerData = round([admittedSet, strangerSet], '1.0.0');
    const unapprovedCode = round([admittedSet], '2.0.0');
    await write('sandbox-writer', [
      entryOfKind('dataset-admission', {
        dataset: { id: admittedSet },
        scenarioId,
        action: 'admit',
        occurredAt: '2026-05-01T00:00:00+08:00',
      }),
      entryOfKind('algorithm-upload', {
        algorithm: { id: algorithm, version: '1.0.0' },
        status: 'approved',
        occurredAt: '2026-05-01T00:00:00+08:00',
      }),
      compliant,
      strangerData,
      unapprovedCode,
    ]);
    const ids = [compliant.id, strangerData.id, unapprovedCode.id];
    const datasets = await judged('round-dataset-not-admitted', strangerData.id, ids);
    expect(datasets.map((finding) => finding.entry.id)).toEqual([strangerData.id]);
    expect(datasets[0]?.details.datasets).toEqual([strangerSet]);
    const algorithms = await judged('algorithm-before-approval', unapprovedCode.id, ids);
    expect(algorithms.map((finding) => finding.entry.id)).toEqual([unapprovedCode.id]);
  });

  test('share-without-legal-basis: a share citing no law is found; one citing a regulation is not', async () => {
    const share = (legalBasis: string) =>
      entryOfKind('credit-share', {
        subject: { type: 'organization', ref: PSEUDONYM },
        records: [unique('record')],
        legalBasis,
        occurredAt: '2026-04-03T10:00:00+08:00',
      });
    const cited = share('《深圳经济特区社会信用条例》第二十条');
    const uncited = share('工作需要');
    await write('credit-writer', [cited, uncited]);
    const found = await judged('share-without-legal-basis', uncited.id, [cited.id, uncited.id]);
    expect(found.map((finding) => finding.entry.id)).toEqual([uncited.id]);
    expect(found[0]?.summary).not.toContain(PSEUDONYM);
  });

  test('share-without-legal-basis: sharing a record a credit change revoked is found; one in force is not', async () => {
    // The credit change's details are private: the rules read them through the ledger.
    const subject = { type: 'organization', ref: PSEUDONYM };
    const [revokedRecord, liveRecord] = [unique('revoked-record'), unique('live-record')];
    await write('credit-writer', [
      entryOfKind('credit-change', {
        subject,
        recordId: revokedRecord,
        change: 'revoke',
        before: `sha256:${'a1'.repeat(32)}`,
        after: undefined,
        occurredAt: '2026-04-01T10:00:00+08:00',
      }),
    ]);
    const share = (record: string) =>
      entryOfKind('credit-share', {
        subject,
        records: [record],
        legalBasis: '《深圳经济特区社会信用条例》第二十条',
        occurredAt: '2026-04-03T10:00:00+08:00',
      });
    const ofLive = share(liveRecord);
    const ofRevoked = share(revokedRecord);
    await write('credit-writer', [ofLive, ofRevoked]);
    const found = await judged('share-without-legal-basis', ofRevoked.id, [
      ofLive.id,
      ofRevoked.id,
    ]);
    expect(found.map((finding) => finding.entry.id)).toEqual([ofRevoked.id]);
    expect(found[0]?.details).toMatchObject({
      flaws: ['ended-records'],
      endedRecords: [revokedRecord],
    });
  });

  test('commitment-overdue: materials past due without a check are found; ones checked in time are not', async () => {
    const approval = (matter: string) =>
      entryOfKind('approval-decision', {
        applicant: { type: 'organization', ref: PSEUDONYM },
        matter: { id: matter, service: 'food-business-licence' },
        // The example's mode: approved on a commitment letter, materials to follow.
        mode: 'commitment',
        decision: 'approved',
        creditCheck: {
          ref: unique('check'),
          result: 'pass',
          checkedAt: '2026-01-01T09:00:00+08:00',
        },
        waived: [{ material: '食品安全管理制度', dueBy: '2026-01-10T00:00:00+08:00' }],
        occurredAt: '2026-01-01T10:00:00+08:00',
      });
    const [keptMatter, lapsedMatter] = [unique('matter-kept'), unique('matter-lapsed')];
    const kept = approval(keptMatter);
    const lapsed = approval(lapsedMatter);
    await write('credit-writer', [
      kept,
      entryOfKind('commitment-check', {
        applicant: { type: 'organization', ref: PSEUDONYM },
        matter: { id: keptMatter },
        result: 'fulfilled',
        occurredAt: '2026-01-08T00:00:00+08:00',
      }),
      lapsed,
    ]);
    const found = await judged('commitment-overdue', lapsed.id, [kept.id, lapsed.id]);
    expect(found.map((finding) => finding.entry.id)).toEqual([lapsed.id]);
    expect(found[0]?.details.matterId).toBe(lapsedMatter);
  });

  test('source-sequence-gap: a number missing past the grace period is found; an unbroken run is not', async () => {
    const numbered = (kind: 'data-access' | 'credit-change', sourceSeq: number) =>
      entryOfKind(kind, {}, { sourceSeq });
    const gapped = [1, 2, 4].map((seq) => numbered('data-access', seq));
    const unbroken = [1, 2, 3].map((seq) => numbered('credit-change', seq));
    await write('credit-writer', unbroken);
    await write('sandbox-writer', gapped);
    const last = gapped.at(-1)?.id ?? '';
    const ids = [...gapped, ...unbroken].map((request) => request.id);
    const found = await judged('source-sequence-gap', last, ids);
    expect(found.map((finding) => finding.entry.id)).toEqual([last]);
    expect(found[0]?.details).toMatchObject({ source: gateway.sourceOf('sandbox-writer') });
  });

  test('a regulator closes a finding with a reason, on the ledger; only once, and only a regulator', async () => {
    const events = await openEventStream(`${gateway.url}/v1/events?topic=findings`, {
      authorization: `Bearer ${gateway.keys['sandbox-writer']}`,
    });
    const access = entryOfKind('data-access', {
      actor: { org: 'sz-smart-traffic-co', user: 'analyst-07', team: unique('unadmitted') },
      purpose: { scenarioId: unique('scenario'), approvalRef: 'APR-2' },
    });
    await write('sandbox-writer', [access]);
    const [finding] = await judged('access-without-admission', access.id, [access.id]);
    if (finding === undefined) {
      throw new Error('no finding was raised');
    }
    const path = `/v1/findings/${finding.id}/close`;
    const bySandbox = await gateway.request('POST', path, {
      key: gateway.keys['sandbox-writer'],
      body: { reason: 'not mine to close' },
    });
    expect(bySandbox.status).toBe(403);
    const noReason = await gateway.request('POST', path, {
      key: gateway.keys.regulator,
      body: { reason: '  ' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: { details: [{ path: 'reason' }] } });

    const closed = await gateway.request<{
      closure: { id: string; kind: string };
      finding: Finding;
    }>('POST', path, {
      key: gateway.keys.regulator,
      body: { reason: '团队准入记录补录，经核实访问合规' },
    });
    expect(closed.status).toBe(201);
    expect(closed.body.closure.kind).toBe('finding-closure');
    expect(closed.body.finding).toMatchObject({
      status: 'closed',
      closure: { entryId: closed.body.closure.id, reason: '团队准入记录补录，经核实访问合规' },
    });
    const onLedger = await gateway.request<{ payload: { finding: { id: string } } }>(
      'GET',
      `/v1/entries/${encodeURIComponent(closed.body.closure.id)}`,
      { key: gateway.keys.regulator },
    );
    expect(onLedger.body.payload.finding.id).toBe(finding.id);

    const again = await gateway.request('POST', path, {
      key: gateway.keys.regulator,
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'FINDING_CLOSED' } });

    // The sandbox operator sees the finding about its own entry, closed; the credit authority does not.
    const seen = await gateway.request<Finding>('GET', `/v1/findings/${finding.id}`, {
      key: gateway.keys['sandbox-writer'],
    });
    expect(seen.body.status).toBe('closed');
    const unseen = await gateway.request('GET', `/v1/findings/${finding.id}`, {
      key: gateway.keys['credit-writer'],
    });
    expect(unseen.status).toBe(404);

    const deadline = Date.now() + WAIT_MS;
    const pushed = () =>
      events.events
        .filter((event) => (event.data as Finding).id === finding.id)
        .map((event) => event.event);
    while (pushed().length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    events.close();
    expect(pushed()).toEqual(['finding.raised', 'finding.closed']);
  });
});
