import type { ComplianceRule } from '../../rule';
import { findingEntry, instantOf, payloadOf, qualifiedId, stateKey } from '../observed-entry';

/** The fields of a `dataset-admission` v1 payload this rule reads. */
interface DatasetAdmission {
  dataset: { id: string };
  scenarioId: string;
  action: 'admit' | 'withdraw';
  occurredAt: string;
}

/** The fields of a `federated-round` v1 payload this rule reads. */
interface FederatedRound {
  job: { id: string; scenarioId: string };
  round: number;
  participants: { datasets: string[] }[];
  startedAt: string;
}

/** A time a dataset was admitted to a scenario, until it was withdrawn (if it was). */
interface Admitted {
  from: string;
  until?: string;
}

function admissionsKey(scenarioId: string, dataset: string): string {
  return stateKey('admitted:', scenarioId, dataset);
}

function admittedAt(periods: readonly Admitted[], at: number): boolean {
  return periods.some(
    (period) =>
      instantOf(period.from) <= at && (period.until === undefined || at < instantOf(period.until)),
  );
}

export default {
  id: 'round-dataset-not-admitted',
  version: 1,
  title: {
    en: 'federated round on a dataset not admitted',
    'zh-CN': '联邦学习轮次使用未准入数据集',
  },
  description:
    'A `federated-round` is a finding when any dataset of any participant was not admitted to the job’s scenario (`job.scenarioId`) when the round started (`startedAt`): no `dataset-admission` `admit` for that dataset and scenario at or before then, or a `withdraw` since, at or before then. Admissions count as recorded before the round, each admission until its withdrawal; one finding per round lists every such dataset. A round computes over exactly the datasets it names, so each must be one the scenario was cleared to use.',
  observes: ['dataset-admission', 'federated-round'],
  observe(entry, state) {
    const admission = payloadOf(entry, 'dataset-admission') as DatasetAdmission | undefined;
    if (admission !== undefined) {
      const key = admissionsKey(admission.scenarioId, admission.dataset.id);
      const periods = (state.get(key) as Admitted[] | undefined) ?? [];
      const last = periods.at(-1);
      const isOpen = last !== undefined && last.until === undefined;
      // A repeated admit or withdraw changes nothing: the dataset already is, or is not, admitted.
      if (admission.action === 'admit' && !isOpen) {
        state.put(key, [...periods, { from: admission.occurredAt }]);
      } else if (admission.action === 'withdraw' && isOpen) {
        state.put(key, [...periods.slice(0, -1), { ...last, until: admission.occurredAt }]);
      }
      return [];
    }
    const round = payloadOf(entry, 'federated-round') as FederatedRound | undefined;
    if (round === undefined) {
      return [];
    }
    const { scenarioId } = round.job;
    const startedAt = instantOf(round.startedAt);
    const used = new Set(round.participants.flatMap((participant) => participant.datasets));
    const datasets = [...used].filter(
      (dataset) =>
        !admittedAt(
          (state.get(admissionsKey(scenarioId, dataset)) as Admitted[] | undefined) ?? [],
          startedAt,
        ),
    );
    if (datasets.length === 0) {
      return [];
    }
    return [
      {
        key: qualifiedId(entry),
        entry: findingEntry(entry),
        summary: `Round ${round.round} of job ${round.job.id} used datasets not admitted to ${scenarioId} when it started: ${datasets.join(', ')}.`,
        details: {
          job: round.job.id,
          round: round.round,
          scenarioId,
          startedAt: round.startedAt,
          datasets,
        },
      },
    ];
  },
} satisfies ComplianceRule;
