import type { LedgerPage, LedgerQuery, Principal } from './ledger';

/**
 * A ledger held by several organisations' peers, each of which can be read on its own: a trail
 * read from one copy can be compared with every other organisation's copy.
 */
export interface PeerCopies {
  readonly organizations: readonly string[];
  /**
   * Those of `organizations` whose peers hold what `query` reads: all, unless it reads an index
   * a private data collection holds, which only the collection's members' peers have.
   */
  organizationsHolding(query: LedgerQuery): readonly string[];
  /** The query evaluated on a peer of `mspId` only. */
  queryEntriesOn(mspId: string, principal: Principal, query: LedgerQuery): Promise<LedgerPage>;
}
