import { entryDigest, issueDetails, timestamp } from '@audit-ledger/chaincode';
import { z } from 'zod';
import { RequestError, asQueryRefusal } from './request-error';
import {
  LedgerError,
  type Ledger,
  type LedgerEntry,
  type LedgerPage,
  type LedgerQuery,
  type Principal,
} from './ledger/ledger';
import type { PeerCopies } from './ledger/peer-copies';

/** A trail check reads at most this many entries; beyond it the answer says it was truncated. */
export const MAX_TRAIL_ENTRIES = 100_000;
const PAGE_SIZE = 500;

export const trailQuery = z
  .strictObject({
    source: z.string().min(1).optional(),
    stream: z.string().min(1).optional(),
    from: timestamp.optional(),
    to: timestamp.optional(),
  })
  .refine((query) => query.source !== undefined || query.stream !== undefined, {
    path: ['source'],
    error: 'give source, stream or both',
  });

export interface TrailReport {
  /** True when every check below holds and the whole range was read. */
  complete: boolean;
  entries: number;
  truncated: boolean;
  /** Gaps in the source's own numbering; only a source's whole trail can show them. */
  sourceSeq?: {
    first: number | null;
    last: number | null;
    gaps: { from: number; to: number }[];
    unsequenced: number;
  };
  outOfOrder: { id: string; sourceSeq: number; after: number }[];
  digestMismatches: string[];
  ledgerIntegrity: { ok: boolean; message?: string };
  /** Whether each organisation's peer holds the same trail (Fabric), and which do not. */
  peers: { checked: boolean; detail: string; differing: string[] };
}

/** Reads every page of a trail, up to MAX_TRAIL_ENTRIES. */
async function readTrail(
  page: (bookmark: string) => Promise<LedgerPage>,
): Promise<{ entries: LedgerEntry[]; truncated: boolean }> {
  const entries: LedgerEntry[] = [];
  let bookmark = '';
  do {
    const next = await page(bookmark);
    entries.push(...next.items);
    bookmark = next.bookmark;
  } while (bookmark !== '' && entries.length < MAX_TRAIL_ENTRIES);
  return { entries, truncated: bookmark !== '' };
}

/** What identifies an entry as committed: a copy that differs in any of these differs. */
const committedAs = (entry: LedgerEntry) => `${entry.id} ${entry.txId} ${entry.digest}`;

/**
 * Reads the same trail from each organisation's peer and compares it with the one read, so that
 * no single organisation's copy is taken on trust.
 */
async function comparePeerCopies(
  copies: PeerCopies,
  principal: Principal,
  query: LedgerQuery,
  read: LedgerEntry[],
  truncated: boolean,
): Promise<TrailReport['peers']> {
  const expected = read.map(committedAs).join('\n');
  const differing: string[] = [];
  const unreadable: string[] = [];
  for (const mspId of copies.organizations) {
    try {
      const copy = await readTrail((bookmark) =>
        copies.queryEntriesOn(mspId, principal, { ...query, bookmark }),
      );
      if (copy.entries.map(committedAs).join('\n') !== expected || copy.truncated !== truncated) {
        differing.push(mspId);
      }
    } catch (error) {
      if (!(error instanceof LedgerError)) {
        throw error;
      }
      unreadable.push(`${mspId} (${error.message})`);
    }
  }
  const agreeing = copies.organizations.filter(
    (mspId) => !differing.includes(mspId) && !unreadable.some((entry) => entry.startsWith(mspId)),
  );
  const parts = [
    agreeing.length > 0 ? `the same on the peers of ${agreeing.join(', ')}` : '',
    differing.length > 0 ? `different on the peers of ${differing.join(', ')}` : '',
    unreadable.length > 0 ? `not readable from ${unreadable.join(', ')}` : '',
  ].filter((part) => part !== '');
  return {
    checked: unreadable.length === 0,
    detail: `the trail is ${parts.join('; ')}`,
    differing,
  };
}

function gapsIn(
  sequence: number[],
  expectFirst: number | undefined,
): { from: number; to: number }[] {
  const sorted = [...new Set(sequence)].sort((a, b) => a - b);
  const gaps: { from: number; to: number }[] = [];
  let expected = expectFirst ?? sorted[0] ?? 1;
  for (const value of sorted) {
    if (value > expected) {
      gaps.push({ from: expected, to: value - 1 });
    }
    expected = Math.max(expected, value + 1);
  }
  return gaps;
}

/**
 * Is a trail complete and untampered? Reads the trail in commit order and reports missing
 * sequence numbers, sequence numbers that went backwards, entries whose digest no longer
 * matches their payload, and the ledger's own integrity verdict.
 */
export async function checkTrail(
  ledger: Ledger,
  principal: Principal,
  parameters: unknown,
  copies?: PeerCopies,
): Promise<TrailReport> {
  const parsed = trailQuery.safeParse(parameters);
  if (!parsed.success) {
    throw new RequestError('INVALID_QUERY', 'invalid trail query', issueDetails(parsed.error));
  }
  const { source, stream, from, to } = parsed.data;
  const by = source === undefined ? 'stream' : 'source';
  const value = source ?? stream ?? '';
  const query = { by, value, from, to, pageSize: PAGE_SIZE } as const;
  let read: { entries: LedgerEntry[]; truncated: boolean } = { entries: [], truncated: false };
  let ledgerIntegrity: TrailReport['ledgerIntegrity'] = { ok: true };
  try {
    read = await readTrail((bookmark) => ledger.queryEntries(principal, { ...query, bookmark }));
  } catch (error) {
    if (!(error instanceof LedgerError && error.code === 'LEDGER_INTEGRITY')) {
      throw asQueryRefusal(error, { value: by });
    }
    ledgerIntegrity = { ok: false, message: error.message };
  }
  const entries = read.entries.filter((entry) => stream === undefined || entry.stream === stream);

  // Each source numbers its own entries: compare a sequence number with that source's highest.
  const outOfOrder: TrailReport['outOfOrder'] = [];
  const highest = new Map<string, number>();
  for (const entry of entries) {
    if (entry.sourceSeq === undefined) {
      continue;
    }
    const before = highest.get(entry.source);
    if (before !== undefined && entry.sourceSeq < before) {
      outOfOrder.push({ id: entry.id, sourceSeq: entry.sourceSeq, after: before });
    }
    highest.set(entry.source, Math.max(before ?? entry.sourceSeq, entry.sourceSeq));
  }
  const digestMismatches = entries
    .filter((entry) => entryDigest(entry) !== entry.digest)
    .map((entry) => entry.id);
  const sequenced = entries.flatMap((entry) =>
    entry.sourceSeq === undefined ? [] : [entry.sourceSeq],
  );
  const wholeSourceTrail = source !== undefined && stream === undefined;
  const sourceSeq = wholeSourceTrail
    ? {
        first: sequenced.length === 0 ? null : Math.min(...sequenced),
        last: sequenced.length === 0 ? null : Math.max(...sequenced),
        // From the start of time a source's numbering starts at 1; in a window, at its first entry.
        gaps: gapsIn(sequenced, from === undefined ? 1 : undefined),
        unsequenced: entries.length - sequenced.length,
      }
    : undefined;
  const { truncated } = read;
  const peers =
    copies === undefined
      ? {
          checked: false,
          detail: 'the embedded ledger has no peers of other organisations to compare',
          differing: [],
        }
      : await comparePeerCopies(copies, principal, query, read.entries, truncated);
  const report: TrailReport = {
    complete:
      !truncated &&
      ledgerIntegrity.ok &&
      outOfOrder.length === 0 &&
      digestMismatches.length === 0 &&
      (sourceSeq?.gaps.length ?? 0) === 0 &&
      peers.differing.length === 0,
    entries: entries.length,
    truncated,
    ...(sourceSeq === undefined ? {} : { sourceSeq }),
    outOfOrder,
    digestMismatches,
    ledgerIntegrity,
    peers,
  };
  return report;
}
