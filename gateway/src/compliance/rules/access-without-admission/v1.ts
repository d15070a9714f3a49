import type { ComplianceRule, FindingDraft } from '../../rule';
import { findingEntry, instantOf, payloadOf, qualifiedId, stateKey } from '../observed-entry';

/** The fields of a `team-admission` v1 payload this rule reads. */
interface TeamAdmission {
  team: { id: string };
  scenarioId: string;
  action: 'admit' | 'extend' | 'remove';
  environment: { opensAt?: string; closesAt?: string };
  occurredAt: string;
}

/** The fields of a `data-access` v1 payload this rule reads. */
interface DataAccess {
  actor: { team?: string };
  dataset: { id: string };
  purpose: { scenarioId: string };
  outcome: string;
  occurredAt: string;
}

/** A team's latest admission to a scenario: its window, and when it was removed. */
interface Admission {
  entryId: string;
  opensAt: string;
  closesAt: string;
  removedAt?: string;
}

type Breach = 'no-admission' | 'before-window' | 'after-window' | 'after-removal';

const DESCRIBED: Record<Breach, string> = {
  'no-admission': 'with no admission to it',
  'before-window': 'before its admission window opened',
  'after-window': 'after its admission window closed',
  'after-removal': 'after it was removed from it',
};

function admissionKey(team: string, scenarioId: string): string {
  return stateKey('admission:', team, scenarioId);
}

/** What a reviewer compares the access with: the admission entry and its window. */
function admissionFacts(admission: Admission): FindingDraft['details'] {
  const { entryId, removedAt, ...window } = admission;
  return { admissionEntry: entryId, ...window, ...(removedAt === undefined ? {} : { removedAt }) };
}

function breachOf(admission: Admission | undefined, at: number): Breach | undefined {
  if (admission === undefined) {
    return 'no-admission';
  }
  if (admission.removedAt !== undefined && at >= instantOf(admission.removedAt)) {
    return 'after-removal';
  }
  if (at < instantOf(admission.opensAt)) {
    return 'before-window';
  }
  return at >= instantOf(admission.closesAt) ? 'after-window' : undefined;
}

export default {
  id: 'access-without-admission',
  version: 1,
  title: { en: 'data access without team admission', 'zh-CN': '团队未准入即访问数据' },
  description:
    'A granted `data-access` by a team under a scenario is a finding when, at the access’s `occurredAt`, the team holds no admission to that scenario: none was recorded, the access came before the admission window opened or at or after it closed (`environment.opensAt` up to, not including, `closesAt`, as the latest `extend` moved it), or at or after the team’s removal. Admissions are those recorded before the access, the latest per team and scenario; accesses naming no team are not judged. A team reaching data outside its admission is exactly what the sandbox’s admission exists to prevent.',
  observes: ['team-admission', 'data-access'],
  observe(entry, state) {
    const admission = payloadOf(entry, 'team-admission') as TeamAdmission | undefined;
    if (admission !== undefined) {
      const key = admissionKey(admission.team.id, admission.scenarioId);
      const { opensAt, closesAt } = admission.environment;
      const known = state.get(key) as Admission | undefined;
      if (admission.action === 'admit' && opensAt !== undefined && closesAt !== undefined) {
        state.put(key, { entryId: qualifiedId(entry), opensAt, closesAt } satisfies Admission);
      } else if (admission.action === 'extend' && known !== undefined && closesAt !== undefined) {
        state.put(key, { ...known, closesAt } satisfies Admission);
      } else if (admission.action === 'remove' && known !== undefined) {
        state.put(key, { ...known, removedAt: admission.occurredAt } satisfies Admission);
      }
      return [];
    }
    const access = payloadOf(entry, 'data-access') as DataAccess | undefined;
    const team = access?.actor.team;
    if (access?.outcome !== 'granted' || team === undefined) {
      return [];
    }
    const { scenarioId } = access.purpose;
    const known = state.get(admissionKey(team, scenarioId)) as Admission | undefined;
    const breach = breachOf(known, instantOf(access.occurredAt));
    if (breach === undefined) {
      return [];
    }
    return [
      {
        key: qualifiedId(entry),
        entry: findingEntry(entry),
        summary: `Team ${team} accessed dataset ${access.dataset.id} under ${scenarioId} ${DESCRIBED[breach]}.`,
        details: {
          breach,
          team,
          scenarioId,
          dataset: access.dataset.id,
          accessedAt: access.occurredAt,
          ...(known === undefined ? {} : admissionFacts(known)),
        },
      },
    ];
  },
} satisfies ComplianceRule;
