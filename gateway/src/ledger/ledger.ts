import type { ProofMaterial } from '../proof/proof-bundle';
import type {
  AuditEntry,
  ContractErrorCode,
  EntryQuery,
  EntryRequest,
  ErrorDetail,
  Role,
} from '@audit-ledger/chaincode';

/** Who a request acts as: an API key's name and role, mapped by each ledger to an identity. */
export interface Principal {
  name: string;
  role: Role;
}

/** A committed entry and the block that holds its transaction. */
export type LedgerEntry = AuditEntry & { blockNumber: number };

export interface LedgerPage {
  items: LedgerEntry[];
  bookmark: string;
}

export type LedgerQuery = Partial<Pick<EntryQuery, 'from' | 'to' | 'pageSize' | 'bookmark'>> &
  Pick<EntryQuery, 'by' | 'value'>;

export type LedgerErrorCode = ContractErrorCode | 'LEDGER_UNAVAILABLE' | 'LEDGER_INTEGRITY';

/** A failure the ledger reports, classified by code (the contract's, or the ledger's own). */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: LedgerErrorCode, message: string, details?: ErrorDetail[], cause?: unknown) {
    super(message, { cause });
    this.name = LedgerError.name;
    this.code = code;
    this.details = details;
  }
}

/**
 * The gateway's one way to the audit trail. Implementations run the same contract, so they
 * accept, refuse and answer alike; they differ in where trust and durability come from.
 */
export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
  recordEntry(principal: Principal, request: EntryRequest): Promise<LedgerEntry>;
  /** All or nothing, as one transaction. */
  recordEntries(principal: Principal, requests: EntryRequest[]): Promise<LedgerEntry[]>;
  getEntry(principal: Principal, id: string): Promise<LedgerEntry>;
  queryEntries(principal: Principal, query: LedgerQuery): Promise<LedgerPage>;
  /** The signed material proving one entry (NOT_FOUND as for getEntry). */
  proofOf(principal: Principal, id: string): Promise<ProofMaterial>;
  /** Resolves when the ledger can take requests; rejects with LEDGER_UNAVAILABLE otherwise. */
  checkReady(): Promise<void>;
  close(): Promise<void>;
}
