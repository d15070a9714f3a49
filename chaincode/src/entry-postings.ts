import type { AuditEntry, ChannelRecord } from './audit-entry';
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
export const INDEXES_NAMING_NO_SUBJECT = ['kind', 'source'] as const;

/**
 * Every partition `entry` is listed under, each once, core indexes first. The contract writes
 * its index from this, and a gateway indexing blocks works out the same from the entries the
 * blocks carry. Of an entry whose details it does not hold (the channel's record), only the
 * partitions naming no subject.
 */
export function entryPostings(
  kinds: KindRegistry,
  entry: AuditEntry | ChannelRecord,
): EntryPosting[] {
  if (!('payload' in entry)) {
    return INDEXES_NAMING_NO_SUBJECT.map((index) => ({ index, partition: entry[index] }));
  }
  const collection = entry.details?.collection;
  return kinds
    .indexPartitions({ ...entry, kindVersion: entry.kindVersion ?? 1 })
    .map(([index, partition]) =>
      collection === undefined || isNamingNoSubject(index)
        ? { index, partition }
        : { index, partition, collection },
    );
}

function isNamingNoSubject(index: string): boolean {
  return (INDEXES_NAMING_NO_SUBJECT as readonly string[]).includes(index);
}
