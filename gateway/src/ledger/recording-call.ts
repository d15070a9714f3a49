import {
  DETAILS_TRANSIENT_FIELD,
  type Consortium,
  type EntryRequest,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import { LedgerError, type RecordedEntry } from './ledger';

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

/** `RecordEntries`' call for `requests`; `RecordEntry`'s when `single`. */
export function recordingCall(
  kinds: KindRegistry,
  consortium: Consortium,
  requests: readonly EntryRequest[],
  single = false,
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
        transient: { [DETAILS_TRANSIENT_FIELD]: JSON.stringify(payloads) },
        endorsingOrganizations: membersOfAll(consortium, collections),
      };
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
