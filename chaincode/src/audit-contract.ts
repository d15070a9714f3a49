import { Context, Contract, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import { canRead, identifyCaller, type Caller } from './access-policy';
import { assertMayWriteSomething, checkAdmission } from './admission';
import {
  ENTRIES_RECORDED_EVENT,
  ERASURE_KIND,
  type AuditEntry,
  type ChannelRecord,
  type EntriesRecordedEvent,
  type EntryDetails,
  type ErasureMark,
} from './audit-entry';
import { canonicalJson } from './canonical-json';
import { formatTxTimestamp, toLedgerTime } from './commit-time';
import { MSP_ID, holdsCollection, standardConsortium, type Consortium } from './consortium';
import { ContractError, encodeErrorEnvelope } from './contract-error';
import { groupMembersListed, readEntries, requestsWithDetails, splitEntry } from './entry-details';
import { entryOf, receiptOf, type EntriesReceipt, type TransactionStamp } from './entry-receipt';
import { LEDGER_FORM, type EntryRequest, type KindRegistry } from './kinds/registry';
import { standardKinds } from './kinds/standard-kinds';
import {
  dueKey,
  dueRange,
  entryKey,
  entryKeysOf,
  erasureKey,
  retentionKey,
  sequenceKey,
  settingKey,
} from './ledger-keys';
import {
  PSEUDONYM_KEY_SETTING,
  holdsPseudonymKey,
  pseudonymKeyFingerprint,
  type PseudonymKeyRecord,
} from './pseudonym-key';
import { entryId, freeText } from './text-schemas';
import { getStates, putStates } from './state-batches';
import { formatPath, parseJsonArgument, parseWith } from './validation';

export const MAX_ENTRIES_PER_TRANSACTION = 1000;

/** The most entries one GetEntries call reads: a gateway's largest page. */
export const MAX_PAGE_SIZE = 500;

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
  /**
   * `kinds` is what this contract records and `consortium` who may do what; Fabric's chaincode
   * runs with the standard ones.
   */
  constructor(
    private readonly kinds: KindRegistry = standardKinds,
    private readonly consortium: Consortium = standardConsortium,
  ) {
    super('audit');
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
        answers: [answer = ''],
      } = await this.record(ctx, [parseJsonArgument('request', request)], () => '');
      return answer;
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
        (entry): entry is StoredEntry => entry !== undefined && canRead(caller, entry),
      );
      const [stored, ...others] = readable;
      if (stored === undefined) {
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
      const [entry] = await readEntries(ctx, caller, this.consortium, [stored]);
      return canonicalJson(entry);
    });
  }

  /**
   * Entries named by organisation and id, in the order named: what a gateway reads for a page
   * its own index of the blocks found. Each must be one the caller may read; one that is
   * missing or hidden is refused alike, so ids cannot be probed.
   */
  @Param('ids', 'string', 'JSON [{mspId, id}], at most 500')
  @Returns('string')
  @Transaction(false)
  GetEntries(ctx: Context, ids: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      const named = parseWith(entryNames, parseJsonArgument('ids', ids), {
        code: 'INVALID_ARGUMENT',
        message: 'invalid entry ids',
        pathPrefix: 'ids',
      });
      // As GetEntry answers: naming no id, and alike whether missing or hidden.
      const notFound = (index: number) =>
        new ContractError('NOT_FOUND', 'no entry with that id', [
          { path: formatPath('ids', [index]), message: 'no such entry' },
        ]);
      const hidden = named.findIndex(({ mspId }) => !canRead(caller, { submitter: { mspId } }));
      if (hidden >= 0) {
        throw notFound(hidden);
      }
      const values = await getStates(
        ctx.stub,
        named.map(({ mspId, id }) => entryKey(id, mspId)),
      );
      const stored = values.map((value, index) => {
        if (value.length === 0) {
          throw notFound(index);
        }
        return JSON.parse(Buffer.from(value).toString('utf8')) as StoredEntry;
      });
      return canonicalJson(await readEntries(ctx, caller, this.consortium, stored));
    });
  }

  /**
   * Erases an entry's details once its retention has ended: purges them on every member peer,
   * marks the entry erased on the channel, and records an `entry-erasure` entry saying who, why
   * and on what legal basis, all in one transaction. The channel keeps the entry's digest and
   * the hash of its details.
   */
  @Param('request', 'string', 'JSON {id, entry: {mspId, id}, reason, legalBasis}')
  @Returns('string')
  @Transaction()
  EraseEntry(ctx: Context, request: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      const parsed = parseWith(erasureRequest, parseJsonArgument('request', request), {
        code: 'INVALID_ARGUMENT',
        message: 'invalid erasure request',
      });
      if (!this.kinds.writableKinds(caller.role).includes(ERASURE_KIND)) {
        throw new ContractError('FORBIDDEN', `role ${caller.role} may not erase entries`);
      }
      const { mspId, id } = parsed.entry;
      const key = entryKey(id, mspId);
      const stored = canRead(caller, { submitter: { mspId } })
        ? await readEntryAt(ctx, key)
        : undefined;
      if (stored === undefined) {
        throw new ContractError('NOT_FOUND', 'no entry with that id');
      }
      if (stored.details === undefined) {
        throw new ContractError(
          'NOT_ERASABLE',
          `a ${stored.kind} entry keeps its payload on the channel, which cannot forget it`,
        );
      }
      const { collection } = stored.details;
      if (!holdsCollection(this.consortium, collection, caller.mspId)) {
        throw new ContractError('FORBIDDEN', `${caller.mspId} does not hold ${collection}`);
      }
      const [mark, retained] = await getStates(ctx.stub, [
        erasureKey(mspId, id),
        retentionKey(mspId, id),
      ]);
      if (mark !== undefined && mark.length > 0) {
        const erased = JSON.parse(Buffer.from(mark).toString('utf8')) as ErasureMark;
        throw new ContractError(
          'ALREADY_ERASED',
          `entry ${id} was erased at ${erased.erasedAt} by ${erased.erasedBy.mspId}/${erased.erasedBy.name} (${erased.erasureId})`,
        );
      }
      const now = formatTxTimestamp(ctx.stub.getTxTimestamp());
      const retention =
        retained === undefined || retained.length === 0
          ? undefined
          : (JSON.parse(Buffer.from(retained).toString('utf8')) as Retention);
      if (retention === undefined) {
        throw new ContractError(
          'ERASURE_NOT_DUE',
          `entry ${id} has no retention period: nothing made it erasable`,
        );
      }
      if (retention.erasableAfter > now) {
        throw new ContractError(
          'ERASURE_NOT_DUE',
          `entry ${id} may be erased from ${retention.erasableAfter}, not before`,
        );
      }
      // Only a peer holding the details endorses their erasure; one still pulling them from
      // the other members is asked again rather than trusted to purge what it has not seen.
      const details = await ctx.stub.getPrivateData(collection, key);
      if (details.length === 0) {
        throw new ContractError(
          'DETAILS_UNAVAILABLE',
          `the details of ${id} are not on this peer yet; ask again`,
        );
      }
      await ctx.stub.purgePrivateData(collection, key);

      const {
        answers: [answer = ''],
        entries: [erasure],
      } = await this.record(
        ctx,
        [
          {
            kind: ERASURE_KIND,
            id: parsed.id,
            payload: {
              entry: {
                mspId,
                id,
                kind: stored.kind,
                digest: stored.digest,
                detailsSha256: stored.details.sha256,
              },
              erasableAfter: retention.erasableAfter,
              reason: parsed.reason,
              legalBasis: parsed.legalBasis,
            },
          },
        ],
        () => '',
        'EraseEntry',
      );
      if (erasure === undefined) {
        throw new ContractError('INTERNAL', 'the erasure entry was not recorded');
      }
      const erasedBy = { mspId: caller.mspId, name: caller.name, role: caller.role };
      const erasureMark: ErasureMark = {
        erasureId: erasure.id,
        erasedAt: erasure.committedAt,
        erasedBy,
        reason: parsed.reason,
        legalBasis: parsed.legalBasis,
        txId: erasure.txId,
      };
      await ctx.stub.putState(erasureKey(mspId, id), Buffer.from(canonicalJson(erasureMark)));
      await ctx.stub.deleteState(dueKey(retention.erasableAfter, mspId, id));
      return answer;
    });
  }

  /**
   * The entries whose retention has ended and that are not erased yet, earliest first, among
   * those the caller may read and erase: what a retention sweep erases.
   */
  @Param('query', 'string', 'JSON {pageSize?, bookmark?}')
  @Returns('string')
  @Transaction(false)
  ListDueErasures(ctx: Context, query: string): Promise<string> {
    return withErrorEnvelope(async () => {
      const caller = identifyCaller(ctx.clientIdentity, this.consortium);
      const parsed = parseWith(dueQuery, parseJsonArgument('query', query), {
        code: 'INVALID_ARGUMENT',
        message: 'invalid query',
      });
      if (!this.kinds.writableKinds(caller.role).includes(ERASURE_KIND)) {
        throw new ContractError('FORBIDDEN', `role ${caller.role} may not erase entries`);
      }
      const { startKey, endKey } = dueRange(formatTxTimestamp(ctx.stub.getTxTimestamp()));
      const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(
        startKey,
        endKey,
        parsed.pageSize,
        parsed.bookmark,
      );
      const items: { mspId: string; id: string; erasableAfter: string }[] = [];
      try {
        for (let item = await iterator.next(); !item.done; item = await iterator.next()) {
          const [, erasableAfter = '', mspId = '', id = ''] = item.value.key.split('\u0000');
          if (canRead(caller, { submitter: { mspId } })) {
            items.push({ mspId, id, erasableAfter });
          }
        }
      } finally {
        await iterator.close();
      }
      // A peer sends no page metadata for an empty range.
      const bookmark = (metadata as typeof metadata | undefined)?.bookmark ?? '';
      return canonicalJson({ items, bookmark });
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
   * Validates every request, then writes all of them or, by throwing, none. Returns what each
   * entry's own transaction answers (its canonical JSON as stored, or for an entry whose details
   * are held privately the channel's record of it) and the receipt that confirms them all.
   * `recordedByTransaction` names the transaction recording, when it is one that alone records
   * its kinds (see KindVersionDefinition.recordedBy).
   */
  private async record(
    ctx: Context,
    rawRequests: unknown[],
    pathOf: (index: number) => string,
    recordedByTransaction?: string,
  ): Promise<{ answers: string[]; receipt: EntriesReceipt; entries: AuditEntry[] }> {
    const caller = identifyCaller(ctx.clientIdentity, this.consortium);
    assertMayWriteSomething(this.kinds, caller);
    const { requests: sent, payloadsInArguments } = requestsWithDetails(
      ctx,
      this.kinds,
      rawRequests,
    );
    // Admission first (see checkAdmission), then each request against its kind version's schema.
    const requests = sent.map((raw, index) => {
      checkAdmission(this.kinds, caller, raw, pathOf(index));
      if (payloadsInArguments.has(index)) {
        throw new ContractError('INVALID_ENTRY', 'the entry does not match its schema', [
          {
            path: formatPath(pathOf(index), ['payload']),
            message:
              'must travel in the transient field details: arguments are kept in every block',
          },
        ]);
      }
      const parsed = this.kinds.parseRequest(raw, LEDGER_FORM, pathOf(index));
      const { recordedBy } = this.kinds.find(parsed.kind, parsed.kindVersion) ?? {};
      if (recordedBy !== recordedByTransaction) {
        throw new ContractError('INVALID_ENTRY', 'the entry does not match its schema', [
          {
            path: formatPath(pathOf(index), ['kind']),
            message:
              recordedBy === undefined
                ? `is recorded through RecordEntry or RecordEntries`
                : `is recorded by ${recordedBy} alone, never on its own`,
          },
        ]);
      }
      return parsed;
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
    const writes: (readonly [string, Uint8Array])[] = [];
    const answers: string[] = [];
    for (const entry of entries) {
      const ownKey = entryKey(entry.id, caller.mspId);
      const split = splitEntry(entry);
      const stored = canonicalJson(split?.record ?? entry);
      answers.push(stored);
      writes.push([ownKey, Buffer.from(stored)]);
      if (entry.sourceSeq !== undefined) {
        writes.push([sequenceKey(entry.source, entry.sourceSeq), Buffer.from(ownKey)]);
      }
      if (split !== undefined) {
        await ctx.stub.putPrivateData(
          split.record.details.collection,
          ownKey,
          Buffer.from(split.details),
        );
      }
    }
    writes.push(...(await this.retentionWrites(ctx, caller, entries, txId, pathOf)));
    await putStates(ctx.stub, writes);

    const event: EntriesRecordedEvent = {
      entries: entries.map(({ id, kind }) => ({ id, kind })),
    };
    ctx.stub.setEvent(ENTRIES_RECORDED_EVENT, Buffer.from(canonicalJson(event)));
    return { answers, receipt: receiptOf(stamp, entries), entries };
  }

  /**
   * The retention each entry sets: its own `erasableAfter`, and for an entry that ends its
   * retention group (a credit record revoked or expired), every earlier entry of the group's,
   * unless one of them was due sooner already. The writer names those earlier entries in the
   * transient field `retentionGroups` (the gateway finds them by the group's index, which a
   * write cannot range-read: Fabric refuses writes after a private range query); each is checked
   * here to be the caller's organisation's, of the same kind and group, and recorded before.
   * One left out keeps no retention from this end: erasure can come late, never early.
   */
  private async retentionWrites(
    ctx: Context,
    caller: Caller,
    entries: readonly AuditEntry[],
    txId: string,
    pathOf: (index: number) => string,
  ): Promise<(readonly [string, Uint8Array])[]> {
    const listed = groupMembersListed(ctx, entries.length);
    const retentions = new Map<string, string>();
    const setSooner = (id: string, erasableAfter: string) => {
      const earlier = retentions.get(id);
      if (earlier === undefined || erasableAfter < earlier) {
        retentions.set(id, erasableAfter);
      }
    };
    for (const [index, entry] of entries.entries()) {
      const erasableAfter =
        entry.erasableAfter === undefined ? undefined : toLedgerTime(entry.erasableAfter);
      if (erasableAfter !== undefined) {
        setSooner(entry.id, erasableAfter);
      }
      const details = this.kinds.find(entry.kind, entry.kindVersion ?? 1)?.details;
      const group = details?.retentionGroup;
      const ends = erasableAfter !== undefined && group?.endedBy(entry.payload) === true;
      const members = listed.get(index) ?? [];
      const where = `transient.retentionGroups.${index}`;
      if (!ends && members.length > 0) {
        throw new ContractError('INVALID_ARGUMENT', 'only an entry that ends its group lists it', [
          { path: where, message: `${formatPath(pathOf(index), ['kind'])} ends no group` },
        ]);
      }
      if (!ends || details === undefined) {
        continue;
      }
      const value = group.of(entry.payload);
      // The group's entries written beside this one in the same transaction.
      for (const other of entries.slice(0, index)) {
        if (other.kind === entry.kind && group.of(other.payload) === value) {
          setSooner(other.id, erasableAfter);
        }
      }
      for (const [position, id] of members.entries()) {
        const refuse = (message: string) =>
          new ContractError('INVALID_ARGUMENT', `entry ${id} is not of this entry's group`, [
            { path: `${where}[${position}]`, message },
          ]);
        const key = entryKey(id, caller.mspId);
        const record = await readEntryAt(ctx, key);
        if (record?.kind !== entry.kind || record.details === undefined) {
          throw refuse(`names no ${entry.kind} entry of ${caller.mspId}`);
        }
        const held = await ctx.stub.getPrivateData(details.collection, key);
        if (held.length === 0) {
          // Erased already, or not yet on this peer: nothing to retain, or ask again.
          const [mark] = await getStates(ctx.stub, [erasureKey(caller.mspId, id)]);
          if (mark !== undefined && mark.length > 0) {
            continue;
          }
          throw new ContractError(
            'DETAILS_UNAVAILABLE',
            `the details of ${id} are not on this peer yet; ask again`,
          );
        }
        const { payload } = JSON.parse(Buffer.from(held).toString('utf8')) as EntryDetails;
        if (group.of(payload) !== value) {
          throw refuse(`is of another ${group.index}`);
        }
        setSooner(id, erasableAfter);
      }
    }
    if (retentions.size === 0) {
      return [];
    }
    const ids = [...retentions.keys()];
    const [recorded, marks] = await Promise.all([
      getStates(
        ctx.stub,
        ids.map((id) => retentionKey(caller.mspId, id)),
      ),
      getStates(
        ctx.stub,
        ids.map((id) => erasureKey(caller.mspId, id)),
      ),
    ]);
    const writes: (readonly [string, Uint8Array])[] = [];
    for (const [index, id] of ids.entries()) {
      const erasableAfter = retentions.get(id) ?? '';
      const before = recorded[index];
      const mark = marks[index];
      const earlier =
        before === undefined || before.length === 0
          ? undefined
          : (JSON.parse(Buffer.from(before).toString('utf8')) as Retention);
      const erased = mark !== undefined && mark.length > 0;
      if (erased || (earlier !== undefined && earlier.erasableAfter <= erasableAfter)) {
        continue;
      }
      if (earlier !== undefined) {
        await ctx.stub.deleteState(dueKey(earlier.erasableAfter, caller.mspId, id));
      }
      const key = retentionKey(caller.mspId, id);
      writes.push(
        [key, Buffer.from(canonicalJson({ erasableAfter, txId } satisfies Retention))],
        [dueKey(erasableAfter, caller.mspId, id), Buffer.from(key)],
      );
    }
    return writes;
  }
}

/** When an entry may be erased, in ledger time, and the transaction that said so. */
interface Retention {
  erasableAfter: string;
  txId: string;
}

const erasureRequest = z.strictObject({
  /** The erasure entry's own id. */
  id: entryId,
  entry: z.strictObject({ mspId: z.string().regex(MSP_ID, 'must be an MSP id'), id: entryId }),
  reason: freeText(),
  legalBasis: freeText(),
});

const entryNames = z
  .array(z.strictObject({ mspId: z.string().regex(MSP_ID, 'must be an MSP id'), id: entryId }))
  .max(MAX_PAGE_SIZE);

const dueQuery = z.strictObject({
  pageSize: z.int().min(1).max(500).default(100),
  bookmark: z.string().default(''),
});

/** What the channel stores under an entry key: the entry, or its record (entry-details.ts). */
type StoredEntry = AuditEntry | ChannelRecord;

async function readEntryAt(ctx: Context, key: string): Promise<StoredEntry | undefined> {
  const bytes = await ctx.stub.getState(key);
  return bytes.length === 0
    ? undefined
    : (JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredEntry);
}

/** Every organisation's entry under one id (a regulator's unqualified lookup). */
async function readEntriesUnder(ctx: Context, id: string): Promise<StoredEntry[]> {
  const { startKey, endKey } = entryKeysOf(id);
  // One entry per organisation at most: a single page holds them all.
  const { iterator } = await ctx.stub.getStateByRangeWithPagination(
    startKey,
    endKey,
    MAX_ORGANIZATIONS,
  );
  const entries: StoredEntry[] = [];
  try {
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) {
      entries.push(JSON.parse(Buffer.from(item.value.value).toString('utf8')) as StoredEntry);
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
