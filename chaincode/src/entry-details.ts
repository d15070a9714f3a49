import type { Context } from 'fabric-contract-api';
import type { Caller } from './access-policy';
import type {
  AuditEntry,
  ChannelRecord,
  EntryDetails,
  ErasureMark,
  ReadEntry,
} from './audit-entry';
import { canonicalJson, sha256Digest } from './canonical-json';
import { holdsCollection, type Consortium } from './consortium';
import { ContractError } from './contract-error';
import type { KindRegistry } from './kinds/registry';
import { entryKey, erasureKey } from './ledger-keys';
import { getStates } from './state-batches';

/**
 * Entries whose kind holds its details privately (KindVersion.details): the channel stores a
 * record without payload or stream, the kind's collection stores the details, and the writer
 * sends the payload in the proposal's transient field, which no block keeps.
 */

/** The transient field holding such payloads: JSON `{"<request index>": payload}`. */
export const DETAILS_TRANSIENT_FIELD = 'details';

/**
 * The transient field listing, for each request that ends its retention group, the ids of the
 * group's entries recorded before: JSON `{"<request index>": [id, …]}` (see retentionWrites).
 */
export const RETENTION_GROUPS_TRANSIENT_FIELD = 'retentionGroups';

/** The ids each request index lists in RETENTION_GROUPS_TRANSIENT_FIELD. */
export function groupMembersListed(ctx: Context, requests: number): Map<number, string[]> {
  const field = ctx.stub.getTransient().get(RETENTION_GROUPS_TRANSIENT_FIELD);
  const listed = new Map<number, string[]>();
  if (field === undefined) {
    return listed;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(field).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const refuse = (path: string, message: string) =>
    new ContractError('INVALID_ARGUMENT', 'the transient field retentionGroups is invalid', [
      { path, message },
    ]);
  if (!isRecord(parsed)) {
    throw refuse('transient.retentionGroups', 'must be a JSON object of request index to ids');
  }
  for (const [index, ids] of Object.entries(parsed)) {
    const position = Number(index);
    const path = `transient.retentionGroups.${index}`;
    if (!Number.isInteger(position) || position < 0 || position >= requests) {
      throw refuse(path, 'names no request');
    }
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw refuse(path, 'must be a list of entry ids');
    }
    listed.set(position, ids as string[]);
  }
  return listed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The requests with each private kind's payload put back from the transient field, and the
 * positions of those that carried such a payload in the arguments instead, which the caller
 * refuses once it has checked who may write them: arguments are stored in every block, where
 * nothing can be erased.
 */
export function requestsWithDetails(
  ctx: Context,
  kinds: KindRegistry,
  rawRequests: readonly unknown[],
): { requests: unknown[]; payloadsInArguments: Set<number> } {
  const field = ctx.stub.getTransient().get(DETAILS_TRANSIENT_FIELD);
  let payloads: Record<string, unknown> = {};
  if (field !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(field).toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) {
      throw new ContractError(
        'INVALID_ARGUMENT',
        'the transient field details is not a JSON object',
        [
          {
            path: 'transient.details',
            message: 'must be a JSON object of request index to payload',
          },
        ],
      );
    }
    payloads = parsed;
  }
  const unclaimed = new Set(Object.keys(payloads));
  const payloadsInArguments = new Set<number>();
  const requests = rawRequests.map((raw, index) => {
    const held = kinds.namedBy(raw)?.details !== undefined;
    const fromTransient = payloads[String(index)];
    unclaimed.delete(String(index));
    if (!held || !isRecord(raw)) {
      if (fromTransient !== undefined) {
        throw new ContractError(
          'INVALID_ARGUMENT',
          'a payload in the transient field belongs to no private kind',
          [
            {
              path: `transient.details.${index}`,
              message: 'only kinds whose details are held privately',
            },
          ],
        );
      }
      return raw;
    }
    if (raw.payload !== undefined) {
      payloadsInArguments.add(index);
      return raw;
    }
    return fromTransient === undefined ? raw : { ...raw, payload: fromTransient };
  });
  const [stray] = unclaimed;
  if (stray !== undefined) {
    throw new ContractError(
      'INVALID_ARGUMENT',
      'the transient field names a request there is not',
      [{ path: `transient.details.${stray}`, message: 'names no request' }],
    );
  }
  return { requests, payloadsInArguments };
}

/**
 * What the channel and the collection hold of an entry of a private kind (one whose `details`
 * entryOf filled in); undefined for any other entry.
 */
export function splitEntry(
  entry: AuditEntry,
): { record: ChannelRecord; details: string } | undefined {
  const { payload, stream, details, ...rest } = entry;
  return details === undefined
    ? undefined
    : { record: { ...rest, details }, details: canonicalJson({ payload, stream }) };
}

function isChannelRecord(entry: AuditEntry | ChannelRecord): entry is ChannelRecord {
  return entry.details !== undefined && !('payload' in entry);
}

/**
 * Entries as `caller` reads them, from what the channel stores: an entry of a private kind gets
 * its details back from its collection, or, once erased, the erasure in their place. Only a
 * member of the collection reads details; the others are refused.
 */
export async function readEntries(
  ctx: Context,
  caller: Caller,
  consortium: Consortium,
  stored: readonly (AuditEntry | ChannelRecord)[],
): Promise<ReadEntry[]> {
  const records = stored.filter(isChannelRecord);
  if (records.length === 0) {
    return stored as AuditEntry[];
  }
  const marks = await getStates(
    ctx.stub,
    records.map((record) => erasureKey(record.submitter.mspId, record.id)),
  );
  const erased = new Map<ChannelRecord, ErasureMark>();
  records.forEach((record, index) => {
    const mark = marks[index];
    if (mark !== undefined && mark.length > 0) {
      erased.set(record, JSON.parse(Buffer.from(mark).toString('utf8')) as ErasureMark);
    }
  });
  const read: ReadEntry[] = [];
  for (const entry of stored) {
    if (!isChannelRecord(entry)) {
      read.push(entry);
      continue;
    }
    const mark = erased.get(entry);
    read.push(
      mark === undefined
        ? await withDetails(ctx, caller, consortium, entry)
        : { ...entry, erased: mark },
    );
  }
  return read;
}

async function withDetails(
  ctx: Context,
  caller: Caller,
  consortium: Consortium,
  record: ChannelRecord,
): Promise<AuditEntry> {
  const { collection, sha256 } = record.details;
  if (!holdsCollection(consortium, collection, caller.mspId)) {
    throw new ContractError(
      'FORBIDDEN',
      `${caller.mspId} does not hold the collection ${collection} where the entry's details are`,
    );
  }
  const bytes = await ctx.stub.getPrivateData(
    collection,
    entryKey(record.id, record.submitter.mspId),
  );
  if (bytes.length === 0) {
    // A member peer may commit a block before it has pulled the block's private data.
    throw new ContractError(
      'DETAILS_UNAVAILABLE',
      `the details of ${record.id} are not on this peer yet; ask again`,
    );
  }
  if (sha256Digest(bytes) !== sha256) {
    throw new ContractError('INTERNAL', `the details of ${record.id} do not match their hash`);
  }
  const { payload, stream } = JSON.parse(Buffer.from(bytes).toString('utf8')) as EntryDetails;
  return { ...record, payload, stream };
}
