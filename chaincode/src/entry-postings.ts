import type { AuditEntry } from './audit-entry';
import type { KindRegistry } from './kinds/registry';

/**
 * One index partition an entry is found under, and where that listing is held: on the channel,
 * or (`collection`) beside the entry's private details, because the partition names the
 * subject the details are about.
 */
export interface EntryPosting {
  index: string;
  partition: string;
  collection?: string;
}

/** The indexes that list an entry with private details on the channel: they name no subject. */
const INDEXES_NAMING_NO_SUBJECT: ReadonlySet<string> = new Set(['kind', 'source']);

/**
 * Every partition `entry` (whole: with its payload and stream) is listed under, each once, core
 * indexes first. The contract writes its index from this, and a gateway indexing blocks works
 * out the same from the entries the blocks carry.
 */
export function entryPostings(kinds: KindRegistry, entry: AuditEntry): EntryPosting[] {
  const collection = entry.details?.collection;
  return kinds
    .indexPartitions({ ...entry, kindVersion: entry.kindVersion ?? 1 })
    .map(([index, partition]) =>
      collection === undefined || INDEXES_NAMING_NO_SUBJECT.has(index)
        ? { index, partition }
        : { index, partition, collection },
    );
}
