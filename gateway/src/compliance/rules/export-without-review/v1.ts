import type { ComplianceRule } from '../../rule';
import { findingEntry, instantOf, payloadOf, qualifiedId } from '../observed-entry';

/** The fields of a `result-export` v1 payload this rule reads. */
interface ResultExport {
  result: { id: string };
  team: string;
  review: { ref: string; reviewer: string; approvedBy?: string; reviewedAt: string };
  status: 'released' | 'blocked';
  occurredAt: string;
}

type Flaw = 'reviewed-after-release' | 'reviewed-by-exporting-team' | 'no-second-person';

const DESCRIBED: Record<Flaw, string> = {
  'reviewed-after-release': 'reviewed only after it left',
  'reviewed-by-exporting-team': 'reviewed or approved by the team that exported it',
  'no-second-person': 'reviewed and approved by the same person',
};

export default {
  id: 'export-without-review',
  version: 1,
  title: { en: 'result released without independent review', 'zh-CN': '结果未经独立审核即导出' },
  description:
    'A `released` `result-export` is a finding when its review does not hold: the review was recorded as done after the result left (`review.reviewedAt` later than `occurredAt`); the exporting side reviewed or approved itself (`review.reviewer` or `review.approvedBy` is the exporting `team`, or the name of the identity that wrote the entry); or one person both reviewed and approved it (`reviewer` equal to `approvedBy`), leaving no second pair of eyes. Names are compared exactly as recorded. Review before release, by someone other than the exporter, is what keeps raw government data from leaving the sandbox.',
  observes: ['result-export'],
  observe(entry) {
    const exported = payloadOf(entry, 'result-export') as ResultExport | undefined;
    if (exported?.status !== 'released') {
      return [];
    }
    const { review, team } = exported;
    const exporters = new Set([team, entry.submitter.name]);
    const flaws: Flaw[] = [];
    if (instantOf(review.reviewedAt) > instantOf(exported.occurredAt)) {
      flaws.push('reviewed-after-release');
    }
    if (
      exporters.has(review.reviewer) ||
      (review.approvedBy !== undefined && exporters.has(review.approvedBy))
    ) {
      flaws.push('reviewed-by-exporting-team');
    }
    if (review.reviewer === review.approvedBy) {
      flaws.push('no-second-person');
    }
    if (flaws.length === 0) {
      return [];
    }
    return [
      {
        key: qualifiedId(entry),
        entry: findingEntry(entry),
        summary: `Result ${exported.result.id} of team ${team} was released ${flaws.map((flaw) => DESCRIBED[flaw]).join(', and ')}.`,
        details: {
          flaws,
          result: exported.result.id,
          team,
          review: review.ref,
          reviewer: review.reviewer,
          ...(review.approvedBy === undefined ? {} : { approvedBy: review.approvedBy }),
          reviewedAt: review.reviewedAt,
          releasedAt: exported.occurredAt,
        },
      },
    ];
  },
} satisfies ComplianceRule;
