import {
  ContractError,
  assertMayWriteSomething,
  checkAdmission,
  entryId,
  entryDigest,
  isErased,
  type EntryRequest,
  type KindRegistry,
  type RequestForm,
} from '@audit-ledger/chaincode';
import { RequestError, asQueryRefusal, httpStatusOf, parseRequest } from './request-error';
import type { CheckResult } from '@audit-ledger/verifier';
import { API_FORM, VERIFY_FORM, listQueryOf, type ApiCreditSubject } from './entry-requests';
import { LedgerError, type Ledger, type LedgerEntry, type Principal } from '../ledger/ledger';
import { commitSplitting } from '../ledger/split-commit';
import { pseudonymizerOf, type Pseudonymizer } from './pseudonymizer';
import type { QueryCursors } from './query-cursor';
import { uuidV7 } from '../uuid-v7';

export interface RecordOutcome {
  /** 201 when this request committed the entry, 200 when an identical one already had. */
  status: 200 | 201;
  entry: LedgerEntry;
}

export type BatchItemResult =
  RecordOutcome | { status: number; error: ReturnType<RequestError['toBody']>['error'] };

export interface VerifyOutcome {
  verified: boolean;
  reason?: 'NOT_FOUND' | 'KIND_MISMATCH' | 'DIGEST_MISMATCH' | 'LEDGER_INTEGRITY';
  message?: string;
  entry?: LedgerEntry;
}

/** A request that passed admission: pseudonymised, with its id. Safe to store and retry. */
export type AdmittedRequest = EntryRequest & { id: string };

export interface AdmittedBatch {
  size: number;
  admitted: { index: number; request: AdmittedRequest }[];
  refused: { index: number; result: BatchItemResult }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs the contract's own rules here, their refusal as the gateway's own. */
function asRequestError<T>(rule: () => T): T {
  try {
    return rule();
  } catch (error: unknown) {
    throw error instanceof ContractError
      ? new RequestError(error.code, error.message, error.details, error)
      : error;
  }
}

/**
 * The request without its credit subjects' `idNumber`s, the only places a raw number may
 * arrive: everything else is scanned for personal data.
 */
function withoutIdNumbers(raw: unknown, subjectFields: readonly string[]): unknown {
  if (subjectFields.length === 0 || !isRecord(raw) || !isRecord(raw.payload)) {
    return raw;
  }
  const payload = { ...raw.payload };
  for (const field of subjectFields) {
    const subject = payload[field];
    if (isRecord(subject)) {
      const { idNumber: _removed, ...rest } = subject;
      payload[field] = rest;
    }
  }
  return { ...raw, payload };
}

function errorResult(error: RequestError): BatchItemResult {
  return { status: httpStatusOf(error.code), error: error.toBody().error };
}

/**
 * What the REST API does with entries, on top of the ledger: admission checks before anything
 * reaches the ledger, pseudonymisation, idempotent retries and per-item batch results.
 */
/**
 * Checks an entry's signed evidence (its proof bundle against the trust file): what lets
 * `verify` say more than that hashes match.
 */
export type EntryAttestation = (principal: Principal, id: string) => Promise<CheckResult[]>;

export class EntryService {
  private readonly listQuery: ReturnType<typeof listQueryOf>;

  constructor(
    private readonly ledger: Ledger,
    private readonly kinds: KindRegistry,
    /** Absent where the gateway's organisations hold no credit subjects. */
    private readonly pseudonymizer: Pseudonymizer | undefined,
    private readonly cursors: QueryCursors,
    private readonly entriesPerTransaction: number,
    private readonly attest?: EntryAttestation,
  ) {
    this.listQuery = listQueryOf(kinds.indexes);
  }

  async record(principal: Principal, raw: unknown): Promise<RecordOutcome> {
    return this.commit(principal, this.admit(principal, raw));
  }

  async recordBatch(principal: Principal, raws: unknown[]): Promise<BatchItemResult[]> {
    return this.commitBatch(principal, this.admitBatch(principal, raws));
  }

  /** Admission (role, size, personal data, schema, pseudonym, id): RequestError when refused. */
  admit(principal: Principal, raw: unknown): AdmittedRequest {
    return this.prepare(raw, API_FORM, principal);
  }

  /**
   * Admits each entry of a batch on its own; refused ones keep their error. A caller whose role
   * may write nothing is refused as a whole (403), before anything is stored or queued.
   */
  admitBatch(principal: Principal, raws: unknown[]): AdmittedBatch {
    asRequestError(() => {
      assertMayWriteSomething(this.kinds, principal);
    });
    const admitted: AdmittedBatch['admitted'] = [];
    const refused: AdmittedBatch['refused'] = [];
    raws.forEach((raw, index) => {
      try {
        admitted.push({ index, request: this.admit(principal, raw) });
      } catch (error) {
        if (!(error instanceof RequestError)) {
          throw error;
        }
        refused.push({ index, result: errorResult(error) });
      }
    });
    return { size: raws.length, admitted, refused };
  }

  /** 201 when this commits the entry; 200 when an identical one already had. */
  async commit(principal: Principal, request: AdmittedRequest): Promise<RecordOutcome> {
    try {
      return { status: 201, entry: await this.ledger.recordEntry(principal, request) };
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'ENTRY_EXISTS') {
        return { status: 200, entry: await this.existingIdentical(principal, request) };
      }
      throw error;
    }
  }

  /**
   * Commits the admitted entries in transactions of `entriesPerTransaction`. An entry the
   * contract refuses fails alone; an id already recorded is answered like a single retry.
   */
  async commitBatch(principal: Principal, batch: AdmittedBatch): Promise<BatchItemResult[]> {
    const results = new Map<number, BatchItemResult>(
      batch.refused.map(({ index, result }) => [index, result]),
    );
    const outcomes = await commitSplitting(
      batch.admitted.map((item) => item.request),
      (requests) => this.ledger.recordEntries(principal, requests),
      this.entriesPerTransaction,
    );
    // Every commit is done, so an id repeated inside the batch is found already recorded.
    for (const [position, outcome] of outcomes.entries()) {
      const { index, request } = batch.admitted[position] ?? { index: -1, request: undefined };
      if (request === undefined) {
        continue;
      }
      if (outcome.ok) {
        results.set(index, { status: 201, entry: outcome.entry });
      } else if (outcome.error.code === 'ENTRY_EXISTS') {
        try {
          results.set(index, {
            status: 200,
            entry: await this.existingIdentical(principal, request),
          });
        } catch (error) {
          if (!(error instanceof RequestError)) {
            throw error;
          }
          results.set(index, errorResult(error));
        }
      } else {
        results.set(index, errorResult(RequestError.fromLedger(outcome.error)));
      }
    }
    return Array.from({ length: batch.size }, (_unused, index) => {
      const result = results.get(index);
      if (result === undefined) {
        throw new Error(`batch item ${index} has no result`);
      }
      return result;
    });
  }

  get(principal: Principal, id: string): Promise<LedgerEntry> {
    return this.ledger.getEntry(principal, id);
  }

  async list(
    principal: Principal,
    parameters: unknown,
  ): Promise<{ items: LedgerEntry[]; nextCursor: string | null }> {
    const query = parseRequest(this.listQuery, parameters, 'INVALID_QUERY', 'invalid query');
    const values: Record<string, unknown> = query;
    const { indexes } = this.kinds;
    const chosen = indexes.filter((name) => values[name] !== undefined);
    const [by] = chosen;
    if (by === undefined || chosen.length > 1) {
      throw new RequestError('INVALID_QUERY', `give exactly one of ${indexes.join(', ')}`, [
        {
          path: chosen[1] ?? indexes[0] ?? 'kind',
          message: 'exactly one index parameter is required',
        },
      ]);
    }
    const scope = {
      ...principal,
      by,
      value: typeof values[by] === 'string' ? values[by] : '',
      from: query.from,
      to: query.to,
    };
    const bookmark = query.cursor === undefined ? '' : this.cursors.open(query.cursor, scope);
    try {
      const page = await this.ledger.queryEntries(principal, {
        by,
        value: scope.value,
        from: query.from,
        to: query.to,
        pageSize: query.limit,
        bookmark,
      });
      return {
        items: page.items,
        nextCursor: page.bookmark === '' ? null : this.cursors.seal(page.bookmark, scope),
      };
    } catch (error) {
      throw asQueryRefusal(error, { by, value: by, pageSize: 'limit', bookmark: 'cursor' });
    }
  }

  /** Whether `raw` is exactly what the ledger holds under its id, digest recomputed here. */
  async verify(principal: Principal, raw: unknown): Promise<VerifyOutcome> {
    let request: AdmittedRequest;
    try {
      request = this.prepare(raw, VERIFY_FORM);
    } catch (error) {
      return this.verifyUnparsable(principal, raw, error);
    }
    const found = await this.committedEntry(principal, request.id);
    if ('reason' in found) {
      return found;
    }
    const { entry } = found;
    // An erased entry's payload is gone; its digest, kept on the channel, still decides.
    if (!isErased(entry) && entryDigest(entry) !== entry.digest) {
      return {
        verified: false,
        reason: 'LEDGER_INTEGRITY',
        message: "the ledger's copy no longer matches the digest it was committed with",
      };
    }
    const entryVersion = entry.kindVersion ?? 1;
    if (entry.kind !== request.kind || entryVersion !== (request.kindVersion ?? 1)) {
      return {
        verified: false,
        reason: 'KIND_MISMATCH',
        message: `the entry is ${entry.kind} version ${entryVersion}`,
        entry,
      };
    }
    if (entryDigest(request) !== entry.digest) {
      return {
        verified: false,
        reason: 'DIGEST_MISMATCH',
        message: 'the payload differs from the committed one',
        entry,
      };
    }
    // Hashes alone prove nothing to whoever could rewrite them: the signatures must hold too.
    const failed = (await this.attest?.(principal, entry.id))?.filter((check) => !check.ok) ?? [];
    if (failed.length > 0) {
      return {
        verified: false,
        reason: 'LEDGER_INTEGRITY',
        message: failed.map((check) => `${check.check}: ${check.detail}`).join('; '),
      };
    }
    return { verified: true, entry };
  }

  /** The entry under `id`, or the verification outcome that says why there is none. */
  private async committedEntry(
    principal: Principal,
    id: string,
  ): Promise<{ entry: LedgerEntry } | (VerifyOutcome & { reason: string })> {
    try {
      return { entry: await this.ledger.getEntry(principal, id) };
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') {
        return { verified: false, reason: 'NOT_FOUND', message: 'no entry with that id' };
      }
      if (error instanceof LedgerError && error.code === 'LEDGER_INTEGRITY') {
        return { verified: false, reason: 'LEDGER_INTEGRITY', message: error.message };
      }
      throw error;
    }
  }

  /**
   * A payload that breaks its kind's schema cannot be the committed one: when its id names an
   * entry the caller may read, the answer is a verdict, not a 400. Anything else refused at
   * admission (personal data, no usable id) stays refused.
   */
  private async verifyUnparsable(
    principal: Principal,
    raw: unknown,
    refusal: unknown,
  ): Promise<VerifyOutcome> {
    const { id, kind } = (typeof raw === 'object' && raw !== null ? raw : {}) as {
      id?: unknown;
      kind?: unknown;
    };
    if (
      !(refusal instanceof RequestError && refusal.code === 'INVALID_ENTRY') ||
      !entryId.safeParse(id).success
    ) {
      throw refusal;
    }
    const found = await this.committedEntry(principal, String(id));
    if ('reason' in found) {
      return found;
    }
    const { entry } = found;
    const [first] = refusal.details ?? [];
    return entry.kind === kind
      ? {
          verified: false,
          reason: 'DIGEST_MISMATCH',
          message: `the payload differs from the committed one: it does not even match its schema (${first?.path ?? ''} ${first?.message ?? ''})`,
          entry,
        }
      : { verified: false, reason: 'KIND_MISMATCH', message: `the entry is ${entry.kind}`, entry };
  }

  /**
   * The contract's own admission checks (role, size, personal data outside the fields where a
   * raw number may arrive), the kind version's schema, then the gateway's own work: a default
   * id and each credit subject's pseudonym. Throws RequestError; nothing refused reaches the
   * ledger.
   */
  private prepare(
    raw: unknown,
    form: RequestForm<typeof API_FORM.id | typeof VERIFY_FORM.id>,
    writer?: Principal,
  ): AdmittedRequest {
    const subjectFields = this.kinds.namedBy(raw)?.subjectFields ?? [];
    const request = asRequestError(() => {
      checkAdmission(this.kinds, writer, raw, '', withoutIdNumbers(raw, subjectFields));
      return this.kinds.parseRequest(raw, form);
    });
    const payload = { ...request.payload };
    for (const field of subjectFields) {
      payload[field] = this.pseudonymized(field, payload[field] as ApiCreditSubject);
    }
    return { ...request, id: request.id ?? uuidV7(), payload };
  }

  /** A credit subject as the ledger keeps it: `{type, ref}`, a number replaced by its pseudonym. */
  private pseudonymized(field: string, subject: ApiCreditSubject): { type: string; ref: string } {
    const { idNumber, ref, type } = subject;
    const pseudonym =
      idNumber === undefined ? ref : pseudonymizerOf(this.pseudonymizer).pseudonymOf(idNumber);
    if (pseudonym === undefined) {
      throw new RequestError('INVALID_ENTRY', 'the entry does not match its schema', [
        {
          path: `payload.${field}.idNumber`,
          message: 'is not a valid resident identity number or unified social credit code',
        },
      ]);
    }
    return { type, ref: pseudonym };
  }

  private async existingIdentical(
    principal: Principal,
    request: AdmittedRequest,
  ): Promise<LedgerEntry> {
    const conflict = new RequestError(
      'ENTRY_CONFLICT',
      `entry ${request.id} already exists with different content`,
      [{ path: 'id', message: 'is already used by a different entry' }],
    );
    let existing: LedgerEntry;
    try {
      existing = await this.ledger.getEntry(principal, request.id);
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'NOT_FOUND') {
        throw conflict;
      }
      throw error;
    }
    const identical =
      existing.kind === request.kind &&
      existing.digest === entryDigest(request) &&
      existing.sourceSeq === request.sourceSeq;
    if (!identical) {
      throw conflict;
    }
    return existing;
  }
}
