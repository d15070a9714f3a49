import type { AuditEntry, Caller, ChannelRecord } from '@audit-ledger/chaincode';
import type { Principal } from './ledger';

/**
 * An entry as committed: parsed, and the canonical JSON the channel stores, as stored. For an
 * entry whose details are held privately that is its record, without payload or stream: what
 * every organisation's peer holds, and all that events and rules see of it.
 */
export interface CommittedEntry {
  entry: AuditEntry | ChannelRecord;
  stored: string;
}

/** The entries one committed block recorded, in the order its transactions recorded them. */
export interface CommittedBlock {
  number: number;
  entries: CommittedEntry[];
}

/** An entry from the bytes the ledger stored for it. */
export function committedEntry(bytes: Uint8Array): CommittedEntry {
  const stored = utf8.decode(bytes);
  return { entry: JSON.parse(stored) as AuditEntry | ChannelRecord, stored };
}

const utf8 = new TextDecoder();

export interface BlockFollowing {
  stop(): Promise<void>;
}

/**
 * Every committed block's entries, in block order, whoever wrote them: what events and
 * compliance rules are fed from. Readers are then filtered with the contract's own `canRead`,
 * so the source also says which organisation a principal acts for.
 */
export interface CommittedBlocks {
  /**
   * `principal` as the contract's `canRead` judges it (see consortiumReader): refused, as the
   * contract refuses it, when its organisation may not grant its role.
   */
  readerOf(principal: Principal): Promise<Caller>;
  /**
   * Calls `onBlock` for block `from` and each later block, in order, each once its previous
   * call has settled; a call that throws is made again for the same block. Until `stop`.
   */
  follow(from: number, onBlock: (block: CommittedBlock) => Promise<void> | void): BlockFollowing;
  /** One committed block's entries, read again: for events older than their kept bodies. */
  block(number: number): Promise<CommittedBlock>;
}
