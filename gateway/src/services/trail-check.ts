import { createHash, type Hash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { entryDigest, isErased, timestamp } from '@audit-ledger/chaincode';
import { z } from 'zod';
import { RequestError, asQueryRefusal, parseRequest } from './request-error';
import {
  LedgerError,
  type Ledger,
  type LedgerEntry,
  type LedgerPage,
  type LedgerQuery,
  type Principal,
} from '../ledger/ledger';
import type { PeerCopies } from '../ledger/peer-copies';

/** A trail check reads at most this many entries; beyond it the answer says it was truncated. */
export const MAX_TRAIL_ENTRIES = 100_000;
/**
 * Entries read per ledger call. The embedded ledger reads on the gateway's thread, so one page
 * is one uninterrupted slice of work (about 10 ms for a page, digest checks included); between pages
 * the check yields to other requests.
 */
const PAGE_SIZE = 100;
/** Trail checks running at once; more are refused with BUSY rather than slowing every caller. */
export const MAX_CONCURRENT_TRAIL_CHECKS = 2;

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
export type TrailQuery = z.infer<typeof trailQuery>;

export function parseTrailQuery(parameters: unknown): TrailQuery {
  return parseRequest(trailQuery, parameters, 'INVALID_QUERY', 'invalid trail query');
}

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

/** How far a check has got: entries read from the ledger, then from each organisation's peer. */
export interface TrailProgress {
  phase: 'reading' | 'comparing';
  entries: number;
  organization?: string;
}

export interface TrailCheckOptions {
  copies?: PeerCopies | undefined;
  onProgress?: (progress: TrailProgress) => void;
  /** Stops the check between two pages, e.g. when its caller has gone. */
  signal?: AbortSignal;
}

interface TrailRead {
  entries: number;
  truncated: boolean;
  /** SHA-256 over what identifies each entry read as committed, in order. */
  fingerprint: string;
}

/** What identifies an entry as committed: a copy that differs in any of these differs. */
const committedAs = (entry: LedgerEntry) => `${entry.id} ${entry.txId} ${entry.digest}\n`;

/**
 * Reads a trail page by page, up to MAX_TRAIL_ENTRIES, handing each page to `visit` and keeping
 * none: memory stays one page whatever the trail's length.
 */
async function readTrail(
  page: (bookmark: string) => Promise<LedgerPage>,
  visit: (items: LedgerEntry[], readSoFar: number) => void,
  signal: AbortSignal | undefined,
): Promise<TrailRead> {
  const fingerprint: Hash = createHash('sha256');
  let entries = 0;
  let bookmark = '';
  do {
    signal?.throwIfAborted();
    const next = await page(bookmark);
    for (const entry of next.items) {
      fingerprint.update(committedAs(entry));
    }
    entries += next.items.length;
    visit(next.items, entries);
    bookmark = next.bookmark;
    // A page's promise may settle without ever leaving the thread: yield so others are served.
    await nextTurn();
  } while (bookmark !== '' && entries < MAX_TRAIL_ENTRIES);
  return { entries, truncated: bookmark !== '', fingerprint: fingerprint.digest('hex') };
}

/** The checks of one trail, fed page by page. */
class TrailTally {
  entries = 0;
  readonly outOfOrder: TrailReport['outOfOrder'] = [];
  readonly digestMismatches: string[] = [];
  readonly sequenced: number[] = [];
  private readonly highest = new Map<string, number>();

  constructor(private readonly stream: string | undefined) {}

  add(items: LedgerEntry[]): void {
    for (const entry of items) {
      if (this.stream !== undefined && (isErased(entry) || entry.stream !== this.stream)) {
        continue;
      }
      this.entries += 1;
      // An erased entry has no payload left to hash; its digest stays on the channel.
      if (!isErased(entry) && entryDigest(entry) !== entry.digest) {
        this.digestMismatches.push(entry.id);
      }
      if (entry.sourceSeq === undefined) {
        continue;
      }
      this.sequenced.push(entry.sourceSeq);
      // Each source numbers its own entries: compare a number with that source's highest.
      const before = this.highest.get(entry.source);
      if (before !== undefined && entry.sourceSeq < before) {
        this.outOfOrder.push({ id: entry.id, sourceSeq: entry.sourceSeq, after: before });
      }
      this.highest.set(entry.source, Math.max(before ?? entry.sourceSeq, entry.sourceSeq));
    }
  }
}

/**
 * Reads the same trail from each organisation's peer and compares it with the one read, so that
 * no single organisation's copy is taken on trust.
 */
async function comparePeerCopies(
  copies: PeerCopies,
  principal: Principal,
  query: LedgerQuery,
  read: TrailRead,
  options: TrailCheckOptions,
): Promise<TrailReport['peers']> {
  const differing: string[] = [];
  const unreadable: string[] = [];
  const holding = copies.organizationsHolding(query);
  for (const mspId of holding) {
    try {
      const copy = await readTrail(
        (bookmark) => copies.queryEntriesOn(mspId, principal, { ...query, bookmark }),
        (_items, entries) => {
          options.onProgress?.({ phase: 'comparing', entries, organization: mspId });
        },
        options.signal,
      );
      if (copy.fingerprint !== read.fingerprint || copy.truncated !== read.truncated) {
        differing.push(mspId);
      }
    } catch (error) {
      if (!(error instanceof LedgerError)) {
        throw error;
      }
      unreadable.push(`${mspId} (${error.message})`);
    }
  }
  const agreeing = holding.filter(
    (mspId) => !differing.includes(mspId) && !unreadable.some((entry) => entry.startsWith(mspId)),
  );
  const notHolding = copies.organizations.filter((mspId) => !holding.includes(mspId));
  const parts = [
    agreeing.length > 0 ? `the same on the peers of ${agreeing.join(', ')}` : '',
    differing.length > 0 ? `different on the peers of ${differing.join(', ')}` : '',
    unreadable.length > 0 ? `not readable from ${unreadable.join(', ')}` : '',
    notHolding.length > 0
      ? `not compared on the peers of ${notHolding.join(', ')}, which hold hashes of its private details only`
      : '',
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

function extremes(values: number[]): { first: number | null; last: number | null } {
  if (values.length === 0) {
    return { first: null, last: null };
  }
  let first = Infinity;
  let last = -Infinity;
  for (const value of values) {
    first = Math.min(first, value);
    last = Math.max(last, value);
  }
  return { first, last };
}

/**
 * Is a trail complete and untampered? Reads the trail in commit order and reports missing
 * sequence numbers, sequence numbers that went backwards, entries whose digest no longer
 * matches their payload, the ledger's own integrity verdict and, on Fabric, whether every
 * organisation's peer holds the same trail. Works one page at a time, yielding between pages.
 */
export async function checkTrail(
  ledger: Ledger,
  principal: Principal,
  trail: TrailQuery,
  options: TrailCheckOptions = {},
): Promise<TrailReport> {
  const { source, stream, from, to } = trail;
  const by = source === undefined ? 'stream' : 'source';
  const query = { by, value: source ?? stream ?? '', from, to, pageSize: PAGE_SIZE } as const;
  const tally = new TrailTally(source === undefined ? undefined : stream);
  let read: TrailRead = { entries: 0, truncated: false, fingerprint: '' };
  let ledgerIntegrity: TrailReport['ledgerIntegrity'] = { ok: true };
  try {
    read = await readTrail(
      (bookmark) => ledger.queryEntries(principal, { ...query, bookmark }),
      (items, entries) => {
        tally.add(items);
        options.onProgress?.({ phase: 'reading', entries });
      },
      options.signal,
    );
  } catch (error) {
    if (!(error instanceof LedgerError && error.code === 'LEDGER_INTEGRITY')) {
      throw asQueryRefusal(error, { value: by });
    }
    ledgerIntegrity = { ok: false, message: error.message };
  }

  const wholeSourceTrail = source !== undefined && stream === undefined;
  const sourceSeq = wholeSourceTrail
    ? {
        ...extremes(tally.sequenced),
        // From the start of time a source's numbering starts at 1; in a window, at its first entry.
        gaps: gapsIn(tally.sequenced, from === undefined ? 1 : undefined),
        unsequenced: tally.entries - tally.sequenced.length,
      }
    : undefined;
  const { truncated } = read;
  const peers =
    options.copies === undefined
      ? {
          checked: false,
          detail: 'the embedded ledger has no peers of other organisations to compare',
          differing: [],
        }
      : await comparePeerCopies(options.copies, principal, query, read, options);
  return {
    complete:
      !truncated &&
      ledgerIntegrity.ok &&
      tally.outOfOrder.length === 0 &&
      tally.digestMismatches.length === 0 &&
      (sourceSeq?.gaps.length ?? 0) === 0 &&
      peers.differing.length === 0,
    entries: tally.entries,
    truncated,
    ...(sourceSeq === undefined ? {} : { sourceSeq }),
    outOfOrder: tally.outOfOrder,
    digestMismatches: tally.digestMismatches,
    ledgerIntegrity,
    peers,
  };
}

/**
 * The gateway's trail checks: at most MAX_CONCURRENT_TRAIL_CHECKS at once, so that a burst of
 * long checks cannot take every turn of the gateway's thread from writes and reads.
 */
export class TrailChecks {
  private running = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly copies: PeerCopies | undefined,
    private readonly limit = MAX_CONCURRENT_TRAIL_CHECKS,
  ) {}

  async check(
    principal: Principal,
    trail: TrailQuery,
    options: Omit<TrailCheckOptions, 'copies'> = {},
  ): Promise<TrailReport> {
    if (this.running >= this.limit) {
      throw new RequestError(
        'BUSY',
        `${this.limit} trail checks are already running; retry when one has finished`,
      );
    }
    this.running += 1;
    try {
      return await checkTrail(this.ledger, principal, trail, { ...options, copies: this.copies });
    } finally {
      this.running -= 1;
    }
  }
}
