import type { AuditEntry, Submitter } from './audit-entry';
import { canonicallyOrdered, entryDigest } from './canonical-json';
import { detailsSha256 } from './channel-form';
import { LEDGER_FORM, type KindRegistry, type ParsedRequest } from './kinds/registry';

/** What a recording transaction stamps on every entry it records. */
export interface TransactionStamp {
  committedAt: string;
  source: string;
  submitter: Submitter;
  txId: string;
}

/**
 * The entry the ledger stores for a parsed request: its digest and stream, and the stamp. Keys
 * are in canonical order, payload included, so that the digest and the stored form are
 * serialised without copying the entry.
 */
export function entryOf(
  kinds: KindRegistry,
  request: ParsedRequest,
  stamp: TransactionStamp,
): AuditEntry & { kindVersion: number } {
  const payload = canonicallyOrdered(request.payload);
  const { id, kind, kindVersion, sourceSeq } = request;
  const stream = kinds.streamOf(request);
  const collection = kinds.find(kind, kindVersion)?.details?.collection;
  return {
    committedAt: stamp.committedAt,
    ...(collection === undefined
      ? {}
      : { details: { collection, sha256: detailsSha256({ payload, stream }) } }),
    digest: entryDigest({ id, kind, kindVersion, payload }),
    ...(request.erasableAfter === undefined ? {} : { erasableAfter: request.erasableAfter }),
    id,
    kind,
    kindVersion,
    payload,
    source: stamp.source,
    ...(sourceSeq === undefined ? {} : { sourceSeq }),
    stream,
    submitter: stamp.submitter,
    txId: stamp.txId,
  } satisfies AuditEntry;
}

/**
 * What `RecordEntries` answers instead of echoing its entries: the stamp, and each entry's id,
 * digest and stream. The writer holds the requests it sent; with the receipt they rebuild every
 * entry as stored (`entriesFromReceipt`), and the digests prove it. The payloads then travel to
 * the orderers and into the block once, in the transaction's arguments and writes, not a third
 * time in its result. An entry whose details are held privately is confirmed by the hash of its
 * details instead of its stream: the answer is kept in the block, and the stream names the
 * subject.
 */
export interface EntriesReceipt extends TransactionStamp {
  entries: ({ digest: string; id: string } & ({ stream: string } | { detailsSha256: string }))[];
}

export function receiptOf(stamp: TransactionStamp, entries: readonly AuditEntry[]): EntriesReceipt {
  return {
    ...stamp,
    entries: entries.map(({ digest, id, stream, details }) =>
      details === undefined
        ? { digest, id, stream }
        : { digest, id, detailsSha256: details.sha256 },
    ),
  };
}

/**
 * The entries a receipt confirms, rebuilt from the requests that were sent, in order. An entry
 * is rebuilt only when the kinds here read its request as the contract did: same id, digest and
 * stream; otherwise (kinds that differ from the contract's) it is `undefined`, and the caller
 * reads that entry back from the ledger.
 */
export function entriesFromReceipt(
  kinds: KindRegistry,
  requests: readonly unknown[],
  receipt: EntriesReceipt,
): (AuditEntry | undefined)[] {
  return receipt.entries.map((confirmed, index) => {
    let entry: AuditEntry;
    try {
      entry = entryOf(kinds, kinds.parseRequest(requests[index], LEDGER_FORM), receipt);
    } catch {
      return undefined;
    }
    const confirmedBy =
      'stream' in confirmed
        ? entry.stream === confirmed.stream
        : entry.details?.sha256 === confirmed.detailsSha256;
    return entry.id === confirmed.id && entry.digest === confirmed.digest && confirmedBy
      ? entry
      : undefined;
  });
}
