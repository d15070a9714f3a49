import type { ComplianceRule, ObservedEntry } from '../../rule';
import { findingEntry, instantOf, payloadOf, qualifiedId, stateKey } from '../observed-entry';

interface AlgorithmVersion {
  id: string;
  version: string;
}

/** The fields of an `algorithm-upload` v1 payload this rule reads. */
interface AlgorithmUpload {
  algorithm: AlgorithmVersion;
  status: string;
  occurredAt: string;
}

/** The fields of a `federated-round` v1 payload this rule reads. */
interface FederatedRound {
  job: { id: string; algorithm?: AlgorithmVersion };
  round: number;
  startedAt: string;
}

/** The fields of a `result-export` v1 payload this rule reads. */
interface ResultExport {
  result: { id: string };
  algorithm?: AlgorithmVersion;
  occurredAt: string;
}

/** The review outcomes that decide whether an algorithm version may be used. */
type Outcome = 'approved' | 'rejected' | 'retired';

function isOutcome(status: string): status is Outcome {
  return status === 'approved' || status === 'rejected' || status === 'retired';
}

/** One review outcome of an algorithm version, in the order the ledger recorded them. */
interface Decision {
  status: Outcome;
  at: string;
  entryId: string;
}

/** Why a use was not approved. */
type Standing = 'never-approved' | 'approved-after-use' | 'rejected' | 'retired';

const DESCRIBED: Record<Standing, string> = {
  'never-approved': 'before any approval',
  'approved-after-use': 'before its approval',
  rejected: 'after it was rejected',
  retired: 'after it was retired',
};

/** One use of an algorithm version: what used it, and when. */
interface Use {
  algorithm: AlgorithmVersion;
  at: string;
  what: string;
}

function decisionsKey(algorithm: AlgorithmVersion): string {
  return stateKey('decisions:', algorithm.id, algorithm.version);
}

function useOf(entry: ObservedEntry): Use | undefined {
  const round = payloadOf(entry, 'federated-round') as FederatedRound | undefined;
  if (round?.job.algorithm !== undefined) {
    return {
      algorithm: round.job.algorithm,
      at: round.startedAt,
      what: `round ${round.round} of job ${round.job.id}`,
    };
  }
  const exported = payloadOf(entry, 'result-export') as ResultExport | undefined;
  if (exported?.algorithm !== undefined) {
    return {
      algorithm: exported.algorithm,
      at: exported.occurredAt,
      what: `the export of result ${exported.result.id}`,
    };
  }
  return undefined;
}

/** The decision in force at `at`: the latest at or before it, the later recorded of a tie. */
function decisionAt(decisions: readonly Decision[], at: number): Decision | undefined {
  let inForce: Decision | undefined;
  for (const decision of decisions) {
    const decidedAt = instantOf(decision.at);
    if (decidedAt <= at && (inForce === undefined || decidedAt >= instantOf(inForce.at))) {
      inForce = decision;
    }
  }
  return inForce;
}

export default {
  id: 'algorithm-before-approval',
  version: 1,
  title: { en: 'algorithm used without approval', 'zh-CN': '算法未经审批即使用' },
  description:
    'A use of an algorithm version — a `federated-round`’s `job.algorithm` when the round started (`startedAt`), a `result-export`’s `algorithm` when the result left (`occurredAt`) — is a finding unless the version’s review outcome in force at that time is `approved`: the latest `algorithm-upload` of that id and version with status `approved`, `rejected` or `retired` at or before the use, as recorded before the use. A use with no approval yet, one approved only later, or one after the version was rejected or retired is a finding. Only reviewed code may touch government data.',
  observes: ['algorithm-upload', 'federated-round', 'result-export'],
  observe(entry, state) {
    const upload = payloadOf(entry, 'algorithm-upload') as AlgorithmUpload | undefined;
    if (upload !== undefined) {
      if (isOutcome(upload.status)) {
        const key = decisionsKey(upload.algorithm);
        const decision: Decision = {
          status: upload.status,
          at: upload.occurredAt,
          entryId: qualifiedId(entry),
        };
        state.put(key, [...((state.get(key) as Decision[] | undefined) ?? []), decision]);
      }
      return [];
    }
    const use = useOf(entry);
    if (use === undefined) {
      return [];
    }
    const decisions = (state.get(decisionsKey(use.algorithm)) as Decision[] | undefined) ?? [];
    const inForce = decisionAt(decisions, instantOf(use.at));
    if (inForce?.status === 'approved') {
      return [];
    }
    const approvedLater = decisions.some((decision) => decision.status === 'approved');
    const standing: Standing =
      inForce === undefined
        ? approvedLater
          ? 'approved-after-use'
          : 'never-approved'
        : inForce.status;
    const { id, version } = use.algorithm;
    return [
      {
        key: qualifiedId(entry),
        entry: findingEntry(entry),
        summary: `Algorithm ${id} ${version} was used in ${use.what} at ${use.at}, ${DESCRIBED[standing]}.`,
        details: {
          standing,
          algorithm: id,
          version,
          usedAt: use.at,
          ...(inForce === undefined ? {} : { decisionEntry: inForce.entryId }),
        },
      },
    ];
  },
} satisfies ComplianceRule;
