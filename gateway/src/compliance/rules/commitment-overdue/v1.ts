import type { ComplianceRule, FindingDraft } from '../../rule';
import { findingEntry, instantOf, payloadOf, qualifiedId, stateKey } from '../observed-entry';

/** The fields of an `approval-decision` v1 payload this rule reads. */
interface ApprovalDecision {
  applicant: { ref: string };
  matter: { id: string };
  decision: 'approved' | 'refused';
  waived?: { dueBy: string }[];
}

/** The fields of a `commitment-check` v1 payload this rule reads. */
interface CommitmentCheck {
  applicant: { ref: string };
  matter: { id: string };
  result: 'fulfilled' | 'broken';
  occurredAt: string;
}

/** An approval whose commitments are not yet known kept or broken. */
interface Pending {
  approval: FindingDraft['entry'];
  approvalId: string;
  matterId: string;
  deadline: string;
}

const PENDING = 'pending:';

function pendingKey(matterId: string, applicantRef: string): string {
  return stateKey(PENDING, matterId, applicantRef);
}

/** The latest due date of what was waived: by then everything promised is due. */
function deadlineOf(waived: readonly { dueBy: string }[]): string | undefined {
  let deadline: string | undefined;
  for (const { dueBy } of waived) {
    if (deadline === undefined || instantOf(dueBy) > instantOf(deadline)) {
      deadline = dueBy;
    }
  }
  return deadline;
}

// Never the applicant's pseudonym: a finding names the matter and the entries only.
function overdue(pending: Pending, check?: string): FindingDraft {
  const { matterId, deadline } = pending;
  return {
    key: pending.approvalId,
    entry: pending.approval,
    summary:
      check === undefined
        ? `Matter ${matterId}: no check found the commitments made on approval kept by ${deadline}, when they were due.`
        : `Matter ${matterId}: a check found the commitments made on approval, due by ${deadline}, broken.`,
    details: {
      matterId,
      deadline,
      approvalEntry: pending.approvalId,
      ...(check === undefined ? {} : { brokenCheck: check }),
    },
  };
}

export default {
  id: 'commitment-overdue',
  version: 1,
  title: { en: 'commitment not kept', 'zh-CN': '承诺未按期履行' },
  description:
    'An `approved` `approval-decision` that waived materials (`waived`, with mode `missing-materials` or `commitment`) is due by the latest `waived[].dueBy`. It is a finding once that deadline has passed without a `commitment-check` of the same matter and applicant with result `fulfilled` at or before it (a fulfilled check after the deadline came too late), and at once when such a check finds it `broken` first. An approval on a commitment letter that waived nothing has no deadline and is not followed. Approval on credit trusts the applicant to deliver later; an unkept promise left unnoticed defeats the scheme.',
  observes: ['approval-decision', 'commitment-check'],
  observe(entry, state) {
    const decision = payloadOf(entry, 'approval-decision') as ApprovalDecision | undefined;
    if (decision !== undefined) {
      const deadline = deadlineOf(decision.waived ?? []);
      if (decision.decision === 'approved' && deadline !== undefined) {
        state.put(pendingKey(decision.matter.id, decision.applicant.ref), {
          approval: findingEntry(entry),
          approvalId: qualifiedId(entry),
          matterId: decision.matter.id,
          deadline,
        } satisfies Pending);
      }
      return [];
    }
    const check = payloadOf(entry, 'commitment-check') as CommitmentCheck | undefined;
    if (check === undefined) {
      return [];
    }
    const key = pendingKey(check.matter.id, check.applicant.ref);
    const pending = state.get(key) as Pending | undefined;
    if (pending === undefined) {
      return [];
    }
    if (check.result === 'broken') {
      state.remove(key);
      return [overdue(pending, qualifiedId(entry))];
    }
    if (instantOf(check.occurredAt) <= instantOf(pending.deadline)) {
      state.remove(key);
    }
    return [];
  },
  due(now, state) {
    return (state.list(PENDING) as [string, Pending][]).flatMap(([key, pending]) => {
      if (now <= instantOf(pending.deadline)) {
        return [];
      }
      state.remove(key);
      return [overdue(pending)];
    });
  },
} satisfies ComplianceRule;
