import {
  isErased,
  type AuditEntry,
  type ContractErrorCode,
  type EntryRequest,
  type ErrorDetail,
  type PseudonymKeyRecord,
  type ReadEntry,
  type Role,
} from '@audit-ledger/chaincode';
import type { EntryQuery } from './entry-query';

/** Who a request acts as: an API key's name and role, mapped by each ledger to an identity. */
export interface Principal {
  name: string;
  role: Role;
}

/** A committed entry (whole, or with its details erased) and the block of its transaction. */
export type LedgerEntry = ReadEntry & { blockNumber: number };

/** An entry as its recording transaction confirmed it: whole. */
export type RecordedEntry = AuditEntry & { blockNumber: number };

/** The entry `entry` is, whole: a read that found its details erased is refused. */
export function wholeEntry(entry: LedgerEntry): RecordedEntry {
  if (isErased(entry)) {
    throw new LedgerError('ALREADY_ERASED', `the details of entry ${entry.id} were erased`);
  }
  return entry;
}

/** Erasing an entry's details: the erasure entry's id, the entry, why and on what basis. */
export interface ErasureRequest {
  id: string;
  entry: { mspId: string; id: string };
  reason: string;
  legalBasis: string;
}

/** An entry whose retention has ended and that is not erased yet. */
export interface DueErasure {
  mspId: string;
  id: string;
  erasableAfter: string;
}

export interface LedgerPage {
  items: LedgerEntry[];
  bookmark: string;
}

export type LedgerQuery = Partial<Pick<EntryQuery, 'from' | 'to' | 'pageSize' | 'bookmark'>> &
  Pick<EntryQuery, 'by' | 'value'>;

export type LedgerCountQuery = Partial<Pick<EntryQuery, 'from' | 'to'>> &
  Pick<EntryQuery, 'by' | 'value'>;

/** Entries counted, and whether the count read the whole range (it is bounded). */
export interface LedgerCount {
  count: number;
  complete: boolean;
}

/** Entries a caller may read, by the district day of their commit and by kind. */
export interface LedgerDayCounts {
  /** Only the days and kinds that have entries. */
  counts: { date: string; kind: string; count: number }[];
  /**
   * False while the counts do not yet cover every block: a ledger's counts are being backfilled
   * from the blocks it held before it kept them, or, on Fabric, the gateway is still following
   * blocks the channel already holds.
   */
  complete: boolean;
}

export type LedgerErrorCode = ContractErrorCode | 'LEDGER_UNAVAILABLE' | 'LEDGER_INTEGRITY';

/** A failure the ledger reports, classified by code (the contract's, or the ledger's own). */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details: ErrorDetail[] | undefined;
  /** The transaction the failure concerns, when one was created. */
  readonly txId: string | undefined;

  constructor(
    code: LedgerErrorCode,
    message: string,
    details?: ErrorDetail[],
    cause?: unknown,
    txId?: string,
  ) {
    super(message, { cause });
    this.name = LedgerError.name;
    this.code = code;
    this.details = details;
    this.txId = txId;
  }
}

/** What a readiness check found: the ledger's parts and whether each answers. */
export interface LedgerReadiness {
  ready: boolean;
  /**
   * e.g. each organisation's peer on Fabric, with the chain height it reported if it answered;
   * empty when the ledger is one part.
   */
  parts: { name: string; reachable: boolean; height?: number }[];
  /** Why the ledger cannot take requests, when it cannot. */
  reason?: string;
  /**
   * The blocks this gateway holds from block 0: the chain itself on the embedded ledger, the
   * blocks followed into its index on Fabric (behind the peers while it catches up).
   */
  blocks?: number;
  /** Of those, the blocks from block 0 whose entries queries and counts read. */
  indexedBlocks?: number;
  /** The highest chain height a peer reported (Fabric). */
  chainHeight?: number;
  /**
   * Whether the index queries and counts read is still reading blocks the ledger holds: until it
   * has, they wait for it and may answer 503 LEDGER_UNAVAILABLE. Writes are taken meanwhile.
   */
  catchingUp?: boolean;
}

/**
 * The gateway's one way to the audit trail. Implementations run the same contract, so they
 * accept, refuse and answer alike; they differ in where trust and durability come from.
 */
export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
  recordEntry(principal: Principal, request: EntryRequest): Promise<RecordedEntry>;
  /** All or nothing, as one transaction. */
  recordEntries(principal: Principal, requests: EntryRequest[]): Promise<RecordedEntry[]>;
  getEntry(principal: Principal, id: string): Promise<LedgerEntry>;
  queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage>;
  /** How many entries of one index the principal may read, without reading them. */
  countEntries(principal: Principal, query: LedgerCountQuery): Promise<LedgerCount>;
  /**
   * Entries the principal may read, by district day (Asia/Shanghai) of their commit and by kind,
   * for the days `from` to `to` (YYYY-MM-DD, both included). Counted as blocks commit, so the
   * work does not grow with the ledger and no entry is read.
   */
  countEntriesPerDay(
    principal: Principal,
    days: { from: string; to: string },
  ): Promise<LedgerDayCounts>;
  /**
   * Erases an entry's details whose retention has ended, and records the erasure: answers the
   * `entry-erasure` entry.
   */
  eraseEntry(principal: Principal, request: ErasureRequest): Promise<LedgerEntry>;
  /** Entries due for erasure that the principal may erase, earliest first, a page at a time. */
  dueErasures(
    principal: Principal,
    page: { pageSize: number; bookmark: string },
  ): Promise<{ items: DueErasure[]; bookmark: string }>;
  /** The consortium pseudonym key's recorded fingerprint; undefined until setup records one. */
  pseudonymKey(principal: Principal): Promise<PseudonymKeyRecord | undefined>;
  /** Records it once: the same fingerprint again changes nothing, another is SETTING_CONFLICT. */
  recordPseudonymKey(principal: Principal, fingerprint: string): Promise<PseudonymKeyRecord>;
  /** Whether the ledger can take requests now, and which of its parts answer. */
  readiness(): Promise<LedgerReadiness>;
  close(): Promise<void>;
}

/** A recorded setting read through a ledger: undefined when none is recorded yet. */
export async function unlessNotFound<T>(reading: Promise<T>): Promise<T | undefined> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'NOT_FOUND') {
      return undefined;
    }
    throw error;
  }
}
