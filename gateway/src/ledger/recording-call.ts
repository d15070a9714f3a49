import {
  DETAILS_TRANSIENT_FIELD,
  RETENTION_GROUPS_TRANSIENT_FIELD,
  isErased,
  type Consortium,
  type EntryRequest,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import { LedgerError, type LedgerPage, type LedgerQuery, type RecordedEntry } from './ledger';

/**
 * How a recording transaction is sent: its argument, and for entries whose details are held
 * privately, their payloads in the transient field (which no block keeps) and the organisations
 * that may endorse it (the collection's members: only their peers hold the details).
 */
export interface RecordingCall {
  argument: string;
  transient?: Record<string, string>;
  endorsingOrganizations?: string[];
}

/** The organisations holding every one of `collections`, in the consortium's order. */
export function membersOfAll(consortium: Consortium, collections: ReadonlySet<string>): string[] {
  return consortium.organizations
    .map((member) => member.mspId)
    .filter((mspId) =>
      [...collections].every((name) =>
        consortium.collections.some(
          (collection) => collection.name === name && collection.members.includes(mspId),
        ),
      ),
    );
}

/**
 * `RecordEntries`' call for `requests`; `RecordEntry`'s when `single`. `groups` lists, by request
 * index, the earlier entries of the retention group a request ends (see retentionGroupsOf).
 */
export function recordingCall(
  kinds: KindRegistry,
  consortium: Consortium,
  requests: readonly EntryRequest[],
  single = false,
  groups: ReadonlyMap<number, string[]> = new Map(),
): RecordingCall {
  const payloads: Record<string, unknown> = {};
  const collections = new Set<string>();
  const sent = requests.map((request, index) => {
    const collection = kinds.namedBy(request)?.details?.collection;
    if (collection === undefined) {
      return request;
    }
    collections.add(collection);
    payloads[String(index)] = request.payload;
    const { payload: _inTransient, ...rest } = request;
    return rest;
  });
  const argument = JSON.stringify(single ? sent[0] : sent);
  return collections.size === 0
    ? { argument }
    : {
        argument,
        transient: {
          [DETAILS_TRANSIENT_FIELD]: JSON.stringify(payloads),
          ...(groups.size === 0
            ? {}
            : { [RETENTION_GROUPS_TRANSIENT_FIELD]: JSON.stringify(Object.fromEntries(groups)) }),
        },
        endorsingOrganizations: membersOfAll(consortium, collections),
      };
}

/**
 * `RecordEntries`' call for `requests` as a ledger sends it: with the earlier entries of each
 * retention group a request ends, found by `query` (the writer's own reads).
 */
export async function recordEntriesCall(
  kinds: KindRegistry,
  consortium: Consortium,
  requests: readonly EntryRequest[],
  query: (query: LedgerQuery) => Promise<LedgerPage>,
): Promise<RecordingCall> {
  return recordingCall(
    kinds,
    consortium,
    requests,
    false,
    await retentionGroupsOf(kinds, requests, query),
  );
}

/**
 * The organisations that hold every collection `kinds` keep details in: those whose peers can
 * endorse a transaction reading or purging details of any of them.
 */
export function detailsHolders(kinds: KindRegistry, consortium: Consortium): string[] {
  const collections = kinds.versions.flatMap((version) =>
    version.details === undefined ? [] : [version.details.collection],
  );
  return membersOfAll(consortium, new Set(collections));
}

/**
 * For each request that ends its retention group with an `erasableAfter` (a credit record's
 * `revoke` or `expire`), the ids of the group's entries already recorded, as the writer reads
 * them by the group's index: the contract checks each, and they become erasable with it. A
 * request whose payload does not parse lists nothing; the contract refuses it anyway.
 */
async function retentionGroupsOf(
  kinds: KindRegistry,
  requests: readonly EntryRequest[],
  query: (query: LedgerQuery) => Promise<LedgerPage>,
): Promise<Map<number, string[]>> {
  const groups = new Map<number, string[]>();
  for (const [index, request] of requests.entries()) {
    const group = kinds.namedBy(request)?.details?.retentionGroup;
    let value: string | undefined;
    try {
      value =
        request.erasableAfter !== undefined && group?.endedBy(request.payload) === true
          ? group.of(request.payload)
          : undefined;
    } catch {
      value = undefined;
    }
    if (group === undefined || value === undefined) {
      continue;
    }
    const ids: string[] = [];
    let bookmark = '';
    do {
      const page = await query({ by: group.index, value, pageSize: 500, bookmark });
      for (const entry of page.items) {
        if (entry.kind === request.kind && !isErased(entry)) {
          ids.push(entry.id);
        }
      }
      bookmark = page.bookmark;
    } while (bookmark !== '');
    if (ids.length > 0) {
      groups.set(index, ids);
    }
  }
  return groups;
}

/**
 * RecordEntry of `request`: for a kind whose details are private, sent as a batch of one,
 * since that transaction answers the channel's record only and the entry is rebuilt from the
 * batch's receipt instead.
 */
export async function recordedOne(
  kinds: KindRegistry,
  request: EntryRequest,
  record: {
    alone: () => Promise<RecordedEntry>;
    inBatch: (requests: EntryRequest[]) => Promise<RecordedEntry[]>;
  },
): Promise<RecordedEntry> {
  if (kinds.namedBy(request)?.details === undefined) {
    return record.alone();
  }
  const [entry] = await record.inBatch([request]);
  if (entry === undefined) {
    throw new LedgerError('INTERNAL', 'the ledger confirmed no entry');
  }
  return entry;
}
