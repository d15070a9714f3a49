import { Context, Contract, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { canRead, identifyCaller, type Caller } from './access-policy';
import { assertMayWriteSomething, checkAdmission } from './admission';
import { ENTRIES_RECORDED_EVENT, type AuditEntry, type EntriesRecordedEvent } from './audit-entry';
import { canonicalJson } from './canonical-json';
import { formatTxTimestamp } from './commit-time';
import { MSP_ID, standardConsortium, type Consortium } from './consortium';
import { ContractError, encodeErrorEnvelope } from './contract-error';
import { entryQueriesOf } from './entry-query';
import { entryOf, receiptOf, type EntriesReceipt, type TransactionStamp } from './entry-receipt';
import { countParts, readMergedPage, readableParts } from './index-partitions';
import { LEDGER_FORM, type EntryRequest, type KindRegistry } from './kinds/registry';
import { standardKinds } from './kinds/standard-kinds';
import {
  entryKey,
  entryKeysOf,
  indexKey,
  indexValue,
  sequenceKey,
  settingKey,
} from './ledger-keys';
import {
  PSEUDONYM_KEY_SETTING,
  holdsPseudonymKey,
  pseudonymKeyFingerprint,
  type PseudonymKeyRecord,
} from './pseudonym-key';
import { entryId } from './text-schemas';
import { getStates, putStates } from './state-batches';
import { formatPath, parseJsonArgument, parseWith } from './validation';

export const MAX_ENTRIES_PER_TRANSACTION = 1000;

function toContractError(error: unknown): ContractError {
  if (error instanceof ContractError) {
    return error;
  }
  // Anything else is a defect or a ledger failure: report it without inventing a client error.
  const message = error instanceof Error ? error.message : String(error);
  return new ContractError('INTERNAL', message, undefined, error);
}

/** Every failure leaves a transaction as the JSON error envelope, whatever threw it. */
async function withErrorEnvelope<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(encodeErrorEnvelope(toContractError(error)), { cause: error });
  }
}

/** More organisations than a channel of this ledger will ever have. */
const MAX_ORGANIZATIONS = 100;

@Info({
  title: 'audit',
  description:
    'Append-only audit trail of a data-open sandbox and of approval by credit; each kind is a module under kinds/',
})
export class AuditContract extends Contract {
  private readonly queries: ReturnType<typeof entryQueriesOf>;

  /**
   * `kinds` is what this contract records and `consortium` who may do what; Fabric's chaincode
   * runs with the standard ones.
   */
  constructor(
    private readonly kinds: KindRegistry = standardKinds,
    private readonly consortium: Consortium = standardConsortium,
  ) {
    super('audit');
    this.queries = entryQueriesOf(kinds);
  }

  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    const error = new ContractError(
      'UNKNOWN_TRANSACTION',
      `the contract has no transaction ${fcn}`,
    );
    return Promise.reject(new Error(encodeErrorEnvelope(error)));
  }

  @Param('request', 'string', 'JSON {kind, kindVersion?, id, sourceSeq?, payload}')
  @Returns('string')
  @Transaction()
  RecordEntry(ctx: Context, request: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const {
        stored: [stored = ''],
      } = await this.record(ctx, [parseJsonArgument('request', request)], () => '');
      return stored;
    });
  }

  /** Answers a receipt (entry-receipt.ts) from which the writer rebuilds the entries. */
  @Param('entries', 'string', `JSON array of 1 to ${MAX_ENTRIES_PER_TRANSACTION} requests`)
  @Returns('string')
  @Transaction()
  RecordEntries(ctx: Context, entries: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const requests = parseJsonArgument('entries', entries);
      if (
        !Array.isArray(requests) ||
        requests.length === 0 ||
        requests.length > MAX_ENTRIES_PER_TRANSACTION
      ) {
        throw new ContractError(
          'INVALID_ARGUMENT',
          `entries must be an array of 1 to ${MAX_ENTRIES_PER_TRANSACTION} requests`,
          [{ path: 'entries', message: `must hold 1 to ${MAX_ENTRIES_PER_TRANSACTION} items` }],
        );
      }
      const { receipt } = await this.record(ctx, requests, (index) => `entries[${index}]`);
      return canonicalJson(receipt);
    });
  }

  @Param('id', 'string', "entry id, or <MSP id>/<entry id> for another organisation's entry")
  @Returns('string')
  @Transaction(false)
  GetEntry(ctx: Context, id: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      const slash = id.indexOf('/');
      const qualifier = slash < 0 ? undefined : id.slice(0, slash);
      const bare = id.slice(slash + 1);
      parseWith(entryId, bare, {
        code: 'INVALID_ARGUMENT',
        message: 'invalid entry id',
        pathPrefix: 'id',
      });
      if (qualifier !== undefined && !MSP_ID.test(qualifier)) {
        throw new ContractError('INVALID_ARGUMENT', 'invalid organisation in the entry id', [
          { path: 'id', message: 'must be <MSP id>/<entry id>' },
        ]);
      }
      const candidates =
        qualifier !== undefined
          ? [await readEntryAt(ctx, entryKey(bare, qualifier))]
          : caller.role === 'regulator'
            ? await readEntriesUnder(ctx, bare)
            : [await readEntryAt(ctx, entryKey(bare, caller.mspId))];
      const readable = candidates.filter(
        (entry): entry is AuditEntry => entry !== undefined && canRead(caller, entry),
      );
      const [entry, ...others] = readable;
      if (entry === undefined) {
        // The same answer whether it is missing or hidden, so ids cannot be probed.
        throw new ContractError('NOT_FOUND', 'no entry with that id');
      }
      if (others.length > 0) {
        throw new ContractError(
          'ENTRY_AMBIGUOUS',
          `${readable.length} organisations recorded an entry ${bare}; name one as <MSP id>/${bare}`,
          readable.map((candidate) => ({
            path: 'id',
            message: `${candidate.submitter.mspId}/${bare}`,
          })),
        );
      }
      return canonicalJson(entry);
    });
  }

  @Param('query', 'string', 'JSON {by, value, from?, to?, pageSize?, bookmark?}')
  @Returns('string')
  @Transaction(false)
  QueryEntries(ctx: Context, query: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      const parsed = parseWith(this.queries.page, parseJsonArgument('query', query), {
        code: 'INVALID_ARGUMENT',
        message: 'invalid query',
      });
      const parts = readableParts(caller, this.consortium, parsed);
      return canonicalJson(await readMergedPage(ctx, parts, parsed.pageSize, parsed.bookmark));
    });
  }

  @Param('query', 'string', 'JSON {by, value, from?, to?}')
  @Returns('string')
  @Transaction(false)
  CountEntries(ctx: Context, query: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      const parsed = parseWith(this.queries.count, parseJsonArgument('query', query), {
        code: 'INVALID_ARGUMENT',
        message: 'invalid query',
      });
      return canonicalJson(await countParts(ctx, readableParts(caller, this.consortium, parsed)));
    });
  }

  @Param('fingerprint', 'string', 'sha256:<hex> fingerprint of the consortium pseudonym key')
  @Returns('string')
  @Transaction()
  RecordPseudonymKey(ctx: Context, fingerprint: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      if (!holdsPseudonymKey(this.kinds, caller)) {
        throw new ContractError(
          'FORBIDDEN',
          `role ${caller.role} does not hold the consortium pseudonym key`,
        );
      }
      const parsed = parseWith(pseudonymKeyFingerprint, fingerprint, {
        code: 'INVALID_ARGUMENT',
        message: 'invalid fingerprint',
        pathPrefix: 'fingerprint',
      });
      const key = settingKey(PSEUDONYM_KEY_SETTING);
      const existing = await ctx.stub.getState(key);
      if (existing.length > 0) {
        const recorded = JSON.parse(Buffer.from(existing).toString('utf8')) as PseudonymKeyRecord;
        if (recorded.fingerprint !== parsed) {
          throw new ContractError(
            'SETTING_CONFLICT',
            `the consortium recorded another pseudonym key (${recorded.fingerprint}) in ${recorded.txId}`,
            [{ path: 'fingerprint', message: `differs from the recorded ${recorded.fingerprint}` }],
          );
        }
        // Recording the same key again changes nothing: setup can be rerun.
        return canonicalJson(recorded);
      }
      const record: PseudonymKeyRecord = {
        fingerprint: parsed,
        recordedBy: { mspId: caller.mspId, name: caller.name },
        recordedAt: formatTxTimestamp(ctx.stub.getTxTimestamp()),
        txId: ctx.stub.getTxID(),
      };
      const stored = canonicalJson(record);
      await ctx.stub.putState(key, Buffer.from(stored));
      return stored;
    });
  }

  @Returns('string')
  @Transaction(false)
  GetPseudonymKey(ctx: Context): Promise<string> {
    return withErrorEnvelope(async () => {
      identifyCaller(ctx.clientIdentity, this.consortium);
      const stored = await ctx.stub.getState(settingKey(PSEUDONYM_KEY_SETTING));
      if (stored.length === 0) {
        throw new ContractError('NOT_FOUND', 'no pseudonym key is recorded yet');
      }
      return Buffer.from(stored).toString('utf8');
    });
  }

  /**
   * Validates every request, then writes all of them or, by throwing, none. Returns each
   * entry's canonical JSON, as stored, and the receipt that confirms them all.
   */
  private async record(
    ctx: Context,
    rawRequests: unknown[],
    pathOf: (index: number) => string,
  ): Promise<{ stored: string[]; receipt: EntriesReceipt }> {
    const caller = identifyCaller(ctx.clientIdentity, this.consortium);
    assertMayWriteSomething(this.kinds, caller);
    // Admission first (see checkAdmission), then each request against its kind version's schema.
    const requests = rawRequests.map((raw, index) => {
      checkAdmission(this.kinds, caller, raw, pathOf(index));
      return this.kinds.parseRequest(raw, LEDGER_FORM, pathOf(index));
    });
    await assertUnclaimed(ctx, caller, requests, pathOf);

    const txId = ctx.stub.getTxID();
    const committedAt = formatTxTimestamp(ctx.stub.getTxTimestamp());
    const stamp: TransactionStamp = {
      committedAt,
      source: caller.source,
      submitter: {
        mspId: caller.mspId,
        name: caller.name,
        role: caller.role,
        subject: caller.subject,
      },
      txId,
    };
    const entries = requests.map((request) => entryOf(this.kinds, request, stamp));

    const stored = entries.map((entry) => canonicalJson(entry));
    const position = { committedAt, txId };
    // Index keys group the transaction's entries by partition (see indexKey), in entry order;
    // an entry a kind indexes twice under one partition is listed once.
    const indexed = new Map<string, string[]>();
    for (const entry of entries) {
      for (const [index, partition] of this.kinds.indexPartitions(entry)) {
        const key = indexKey(index, partition, caller.mspId, position);
        const ids = indexed.get(key) ?? [];
        if (ids.at(-1) !== entry.id) {
          ids.push(entry.id);
        }
        indexed.set(key, ids);
      }
    }
    const writes: (readonly [string, Uint8Array])[] = entries.flatMap((entry, index) => {
      const ownKey = entryKey(entry.id, caller.mspId);
      const sequenceWrite =
        entry.sourceSeq === undefined
          ? []
          : [[sequenceKey(entry.source, entry.sourceSeq), Buffer.from(ownKey)] as const];
      return [[ownKey, Buffer.from(stored[index] ?? '')] as const, ...sequenceWrite];
    });
    for (const [key, ids] of indexed) {
      writes.push([key, Buffer.from(indexValue(ids))]);
    }
    await putStates(ctx.stub, writes);

    const event: EntriesRecordedEvent = {
      entries: entries.map(({ id, kind }) => ({ id, kind })),
    };
    ctx.stub.setEvent(ENTRIES_RECORDED_EVENT, Buffer.from(canonicalJson(event)));
    return { stored, receipt: receiptOf(stamp, entries) };
  }
}

async function readEntryAt(ctx: Context, key: string): Promise<AuditEntry | undefined> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0
    ? undefined
    : (JSON.parse(Buffer.from(bytes).toString('utf8')) as AuditEntry);
}

/** Every organisation's entry under one id (a regulator's unqualified lookup). */
async function readEntriesUnder(ctx: Context, id: string): Promise<AuditEntry[]> {
  const { startKey, endKey } = entryKeysOf(id);
  // One entry per organisation at most: a single page holds them all.
  const { iterator } = await ctx.stub.getStateByRangeWithPagination(
    startKey,
    endKey,
    MAX_ORGANIZATIONS,
  );
  const entries: AuditEntry[] = [];
  try {
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) {
      entries.push(JSON.parse(Buffer.from(item.value.value).toString('utf8')) as AuditEntry);
    }
  } finally {
    await iterator.close();
  }
  return entries;
}

/** One error naming every entry that failed the same way, so a caller removes them all at once. */
function claimError(
  code: 'ENTRY_EXISTS' | 'SEQ_EXISTS',
  failures: { path: string; message: string; summary: string }[],
): ContractError | undefined {
  const [first] = failures;
  if (first === undefined) {
    return undefined;
  }
  const message =
    failures.length === 1 ? first.summary : `${first.summary}, and ${failures.length - 1} more`;
  return new ContractError(
    code,
    message,
    failures.map(({ path, message: detail }) => ({ path, message: detail })),
  );
}

/**
 * Ids and sequence numbers are claimed once. Fabric reads do not see the transaction's own
 * writes, so repeats inside the batch are caught here, before the ledger is asked. Every entry
 * that fails a check is named, not only the first: a retried batch whose entries are all
 * recorded is refused once, not once per entry.
 */
async function assertUnclaimed(
  ctx: Context,
  caller: Caller,
  requests: EntryRequest[],
  pathOf: (index: number) => string,
): Promise<void> {
  const firstIndexOfId = new Map<string, number>();
  const firstIndexOfSeq = new Map<number, number>();
  const repeatedIds: Parameters<typeof claimError>[1] = [];
  const repeatedSeqs: Parameters<typeof claimError>[1] = [];
  requests.forEach((request, index) => {
    const earlier = firstIndexOfId.get(request.id);
    if (earlier === undefined) {
      firstIndexOfId.set(request.id, index);
    } else {
      repeatedIds.push({
        path: formatPath(pathOf(index), ['id']),
        message: `repeats ${pathOf(earlier)}.id`,
        summary: `entry id ${request.id} appears twice in one batch`,
      });
    }
    if (request.sourceSeq !== undefined) {
      const earlierSeq = firstIndexOfSeq.get(request.sourceSeq);
      if (earlierSeq === undefined) {
        firstIndexOfSeq.set(request.sourceSeq, index);
      } else {
        repeatedSeqs.push({
          path: formatPath(pathOf(index), ['sourceSeq']),
          message: `repeats ${pathOf(earlierSeq)}.sourceSeq`,
          summary: `sourceSeq ${request.sourceSeq} appears twice in one batch`,
        });
      }
    }
  });
  const repeated =
    claimError('ENTRY_EXISTS', repeatedIds) ?? claimError('SEQ_EXISTS', repeatedSeqs);
  if (repeated !== undefined) {
    throw repeated;
  }

  // Every claim in one read: each entry's own key, then each numbered entry's sequence key.
  const sequenced = requests.flatMap((request) =>
    request.sourceSeq === undefined ? [] : [sequenceKey(caller.source, request.sourceSeq)],
  );
  const values = await getStates(ctx.stub, [
    ...requests.map((request) => entryKey(request.id, caller.mspId)),
    ...sequenced,
  ]);
  let nextSequenceValue = requests.length;
  const claims = requests.map((request, index) => ({
    entry: values[index] ?? new Uint8Array(),
    sequence:
      request.sourceSeq === undefined
        ? new Uint8Array()
        : (values[nextSequenceValue++] ?? new Uint8Array()),
  }));
  const recordedIds: Parameters<typeof claimError>[1] = [];
  const usedSeqs: Parameters<typeof claimError>[1] = [];
  claims.forEach(({ entry, sequence }, index) => {
    const request = requests[index];
    if (request === undefined) {
      return;
    }
    if (entry.length > 0) {
      recordedIds.push({
        path: formatPath(pathOf(index), ['id']),
        message: 'is already recorded',
        summary: `entry ${request.id} already exists`,
      });
    } else if (sequence.length > 0) {
      usedSeqs.push({
        path: formatPath(pathOf(index), ['sourceSeq']),
        message: 'is already used by this source',
        summary: `source ${caller.source} already used sourceSeq ${String(request.sourceSeq)}`,
      });
    }
  });
  const claimed = claimError('ENTRY_EXISTS', recordedIds) ?? claimError('SEQ_EXISTS', usedSeqs);
  if (claimed !== undefined) {
    throw claimed;
  }
}
