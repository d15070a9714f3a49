import type { ComplianceRule, FindingDraft } from '../../rule';
import { findingEntry, instantOf, qualifiedId, stateKey } from '../observed-entry';

/** Numbers `from`–`to` of a source's sequence, missing since an entry with a later one came. */
interface Gap {
  from: number;
  to: number;
  /** The ledger time of the entry that skipped past them. */
  noticedAt: string;
  noticedBy: FindingDraft['entry'];
  noticedById: string;
}

/** A source's sequence as seen so far: the highest number, and the ranges still missing below it. */
interface Sequence {
  source: string;
  highest: number;
  gaps: Gap[];
}

const SOURCES = 'source:';

/** The gap without `seq`: unchanged, shortened, split in two, or gone. */
function without(gap: Gap, seq: number): Gap[] {
  if (seq < gap.from || seq > gap.to) {
    return [gap];
  }
  return [
    ...(seq > gap.from ? [{ ...gap, to: seq - 1 }] : []),
    ...(seq < gap.to ? [{ ...gap, from: seq + 1 }] : []),
  ];
}

function missing(source: string, gap: Gap): FindingDraft {
  const { from, to, noticedAt } = gap;
  const numbers = from === to ? `${from}` : `${from} to ${to}`;
  return {
    key: JSON.stringify([source, from, to]),
    entry: gap.noticedBy,
    summary: `Source ${source}: sourceSeq ${numbers} never arrived, missing since ${noticedAt}.`,
    details: { source, from, to, missing: to - from + 1, noticedAt, noticedBy: gap.noticedById },
  };
}

export default {
  id: 'source-sequence-gap',
  version: 1,
  title: { en: 'entries missing from a source’s sequence', 'zh-CN': '来源序号缺失' },
  description:
    'Entries that carry `sourceSeq` are numbered by their `source`. From the first number seen for a source (lower ones are not expected), a number skipped when a higher one commits is missing; it is a finding once it is still missing longer than the grace period (`sequenceGapGraceMs`) after the ledger committed the entry that skipped it, one finding per run of consecutive missing numbers. A number that commits late fills its place; a repeated number is ignored. A writing system that numbers its entries lets the ledger notice the ones it never received: events lost, or withheld.',
  observes: '*',
  observe(entry, state) {
    const seq = entry.sourceSeq;
    if (seq === undefined) {
      return [];
    }
    const key = stateKey(SOURCES, entry.source);
    const known = state.get(key) as Sequence | undefined;
    if (known === undefined) {
      state.put(key, { source: entry.source, highest: seq, gaps: [] } satisfies Sequence);
    } else if (seq > known.highest) {
      const skipped: Gap[] =
        seq === known.highest + 1
          ? []
          : [
              {
                from: known.highest + 1,
                to: seq - 1,
                noticedAt: entry.committedAt,
                noticedBy: findingEntry(entry),
                noticedById: qualifiedId(entry),
              },
            ];
      state.put(key, {
        ...known,
        highest: seq,
        gaps: [...known.gaps, ...skipped],
      } satisfies Sequence);
    } else if (known.gaps.some((gap) => gap.from <= seq && seq <= gap.to)) {
      const gaps = known.gaps.flatMap((gap) => without(gap, seq));
      state.put(key, { ...known, gaps } satisfies Sequence);
    }
    return [];
  },
  due(now, state, settings) {
    return (state.list(SOURCES) as [string, Sequence][]).flatMap(([key, sequence]) => {
      const overdue = (gap: Gap) => now - instantOf(gap.noticedAt) > settings.sequenceGapGraceMs;
      const raised = sequence.gaps.filter(overdue);
      if (raised.length === 0) {
        return [];
      }
      // A raised gap is forgotten: the finding records it, and the state stays bounded.
      state.put(key, {
        ...sequence,
        gaps: sequence.gaps.filter((gap) => !overdue(gap)),
      } satisfies Sequence);
      return raised.map((gap) => missing(sequence.source, gap));
    });
  },
} satisfies ComplianceRule;
