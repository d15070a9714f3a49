import type { ComplianceRule } from '../../rule';
import { findingEntry, instantOf, payloadOf, qualifiedId, stateKey } from '../observed-entry';

/** The fields of a `credit-change` v1 payload this rule reads. */
interface CreditChange {
  subject: { ref: string };
  recordId: string;
  change: 'create' | 'update' | 'revoke' | 'expire';
  occurredAt: string;
}

/** The fields of a `credit-share` v1 payload this rule reads. */
interface CreditShare {
  subject: { ref: string };
  records: string[];
  recipient: { id: string };
  legalBasis: string;
  occurredAt: string;
}

/** The fields of an `entry-erasure` v1 payload this rule reads. */
interface Erasure {
  entry: { mspId: string; id: string };
}

/** How a record left the credit file. */
interface Ended {
  change: 'revoke' | 'expire';
  at: string;
  entryId: string;
}

type Flaw = 'no-law-cited' | 'ended-records';

/**
 * How a legal basis names a law or regulation: a title in 《》; an article, 第…条; a run of
 * Chinese ending in 法 (办法 too), 条例 or 规定 with at least two characters before it, so that
 * 个人信息保护法 counts and 依法 ("by law") or 无法 ("unable") alone do not; or the English
 * words law, regulation or article.
 */
const CITATIONS = [
  /《[^《》]+》/u,
  /第\s*[\d零〇一二三四五六七八九十百千两]+\s*条/u,
  /\p{Script=Han}{2}(?:法|条例|规定)(?!\p{Script=Han})/u,
  /\b(?:laws?|regulations?|articles?)\b/iu,
];

function citesLaw(legalBasis: string): boolean {
  return CITATIONS.some((citation) => citation.test(legalBasis));
}

function endedKey(subjectRef: string, recordId: string): string {
  return stateKey('ended:', subjectRef, recordId);
}

/** The ended record an entry's revoke or expire recorded, by the entry's qualified id. */
function endingKey(entryId: string): string {
  return stateKey('ending:', entryId);
}

export default {
  id: 'share-without-legal-basis',
  version: 1,
  title: { en: 'credit records shared without legal basis', 'zh-CN': '信用信息无合法依据共享' },
  description:
    'A `credit-share` is a finding when its `legalBasis` cites no law or regulation, or when it shares a record that had left the credit file. A basis cites one when it holds a title in 《》, an article (第…条), a Chinese name ending in 法, 条例 or 规定 with at least two characters before the ending (个人信息保护法, 征信业管理条例; 依法 alone is no citation), or the English word law, regulation or article; 工作需要 or 依申请 cite nothing. A shared record (`records`) had left the file when a `credit-change` of the same subject and `recordId` revoked or expired it before the share’s `occurredAt`, as recorded before the share, and no later `create` or `update` restored it. Once the change that ended a record is erased, the rule forgets that it ended. Credit information may only leave the credit authority on a stated legal ground, and only while it is still in force.',
  observes: ['credit-change', 'credit-share', 'entry-erasure'],
  observe(entry, state) {
    // An erased change's subject and record are forgotten with it.
    const erasure = payloadOf(entry, 'entry-erasure') as Erasure | undefined;
    if (erasure !== undefined) {
      const ending = endingKey(`${erasure.entry.mspId}/${erasure.entry.id}`);
      const ended = state.get(ending) as string | undefined;
      if (ended !== undefined) {
        state.remove(ended);
        state.remove(ending);
      }
      return [];
    }
    const change = payloadOf(entry, 'credit-change') as CreditChange | undefined;
    if (change !== undefined) {
      const key = endedKey(change.subject.ref, change.recordId);
      // A record ends once at a time: the entry that ended it before no longer does.
      const before = state.get(key) as Ended | undefined;
      if (before !== undefined) {
        state.remove(endingKey(before.entryId));
      }
      if (change.change === 'revoke' || change.change === 'expire') {
        const entryId = qualifiedId(entry);
        state.put(key, { change: change.change, at: change.occurredAt, entryId } satisfies Ended);
        state.put(endingKey(entryId), key);
      } else {
        state.remove(key);
      }
      return [];
    }
    const share = payloadOf(entry, 'credit-share') as CreditShare | undefined;
    if (share === undefined) {
      return [];
    }
    const sharedAt = instantOf(share.occurredAt);
    const ended = share.records.flatMap((recordId) => {
      const end = state.get(endedKey(share.subject.ref, recordId)) as Ended | undefined;
      return end !== undefined && instantOf(end.at) < sharedAt ? [{ recordId, ...end }] : [];
    });
    const lawCited = citesLaw(share.legalBasis);
    if (lawCited && ended.length === 0) {
      return [];
    }
    const flaws: Flaw[] = [];
    const problems: string[] = [];
    if (!lawCited) {
      flaws.push('no-law-cited');
      problems.push('its legal basis cites no law or regulation');
    }
    if (ended.length > 0) {
      flaws.push('ended-records');
      problems.push(
        `it shares records no longer in force: ${ended.map((end) => end.recordId).join(', ')}`,
      );
    }
    // Never the subject's pseudonym: a finding names records and the recipient only.
    return [
      {
        key: qualifiedId(entry),
        entry: findingEntry(entry),
        summary: `A credit share to ${share.recipient.id} at ${share.occurredAt} is not allowed: ${problems.join('; ')}.`,
        details: {
          flaws,
          recipient: share.recipient.id,
          sharedAt: share.occurredAt,
          ...(ended.length === 0
            ? {}
            : {
                endedRecords: ended.map((end) => end.recordId),
                endingEntries: ended.map((end) => end.entryId),
              }),
        },
      },
    ];
  },
} satisfies ComplianceRule;
