import { z } from 'zod';
import type { Role } from '../roles';
import { ContractError, type ErrorDetail } from '../contract-error';
import { entryId, timestamp } from '../text-schemas';
import { formatPath, issueDetails } from '../validation';
import { creditSubject, type KindVersion } from './kind-version';

/** The indexes every entry is in, whatever its kind. */
export const CORE_INDEXES = ['stream', 'kind', 'source'] as const;

/** Names an index may not take: the other parameters of a query. */
const RESERVED_NAMES = new Set([
  'from',
  'to',
  'limit',
  'cursor',
  'pageSize',
  'bookmark',
  'by',
  'value',
]);
const KIND_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const INDEX_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;

/** A request as a writer sends it: without `kindVersion` it is version 1. */
export interface EntryRequest<Id = string> {
  kind: string;
  kindVersion?: number;
  id: Id;
  sourceSeq?: number;
  /**
   * From when the entry may be erased (RFC 3339), for kinds whose details are held privately
   * (KindVersion.details); for an entry that ends its retention group, the group's too.
   */
  erasableAfter?: string;
  payload: Record<string, unknown>;
}

/** A request that passed its kind version's schema: the version always named. */
export type ParsedRequest<Id = string> = EntryRequest<Id> & { kindVersion: number };

/** The id and credit-subject schemas a request is read with (the gateway's are wider). */
export interface RequestForm<Id extends z.ZodType = z.ZodType> {
  id: Id;
  subject: z.ZodType;
}

/** How the contract reads a request: an id, and credit subjects only as pseudonyms. */
export const LEDGER_FORM: RequestForm<typeof entryId> = { id: entryId, subject: creditSubject };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidEntry(details: ErrorDetail[]): ContractError {
  return new ContractError('INVALID_ENTRY', 'the entry does not match its schema', details);
}

/**
 * The entry kinds a ledger records, each in every version it ever had. The contract, the
 * gateway, the API document, the docs and the console all read kinds from here.
 */
export class KindRegistry {
  /** Kind names, in the order they were registered. */
  readonly kinds: readonly string[];
  /** Every index an entry can be found by: the core ones, then the kinds' own. */
  readonly indexes: readonly string[];
  private readonly versionsByKind = new Map<string, KindVersion[]>();
  private readonly envelopes = new WeakMap<z.ZodType, z.ZodType>();

  constructor(readonly versions: readonly KindVersion[]) {
    for (const version of versions) {
      if (!KIND_NAME.test(version.kind)) {
        throw new Error(`kind ${version.kind}: a name is lower-case words joined by hyphens`);
      }
      const earlier = this.versionsByKind.get(version.kind) ?? [];
      if (version.version !== earlier.length + 1) {
        throw new Error(
          `kind ${version.kind}: version ${version.version} follows version ${earlier.length}`,
        );
      }
      if (!KIND_NAME.test(version.streamName)) {
        throw new Error(`kind ${version.kind}: stream name ${version.streamName} is not allowed`);
      }
      if (version.writers.length === 0) {
        throw new Error(`kind ${version.kind} v${version.version}: no role may write it`);
      }
      for (const name of version.indexNames) {
        if (!INDEX_NAME.test(name) || RESERVED_NAMES.has(name)) {
          throw new Error(
            `kind ${version.kind} v${version.version}: index name ${name} is not allowed`,
          );
        }
        if ((CORE_INDEXES as readonly string[]).includes(name)) {
          throw new Error(`kind ${version.kind} v${version.version}: ${name} is a core index`);
        }
      }
      this.versionsByKind.set(version.kind, [...earlier, version]);
    }
    this.kinds = [...this.versionsByKind.keys()];
    this.indexes = [...new Set([...CORE_INDEXES, ...versions.flatMap((v) => v.indexNames)])];
  }

  /** One version of one kind, if registered. */
  find(kind: string, version: number): KindVersion | undefined {
    return this.versionsByKind.get(kind)?.[version - 1];
  }

  /**
   * The registered kind version a request names, before it is read (version 1 when it names
   * none), or undefined when it names none registered.
   */
  namedBy(raw: unknown): KindVersion | undefined {
    if (!isRecord(raw) || typeof raw.kind !== 'string') {
      return undefined;
    }
    const { kind, kindVersion = 1 } = raw;
    return typeof kindVersion === 'number' ? this.find(kind, kindVersion) : undefined;
  }

  /** Every version of a kind, oldest first. */
  versionsOf(kind: string): readonly KindVersion[] {
    return this.versionsByKind.get(kind) ?? [];
  }

  /** The kinds a role may write (in any of their versions). */
  writableKinds(role: Role): readonly string[] {
    return this.kinds.filter((kind) =>
      this.versionsOf(kind).some((version) => version.writers.includes(role)),
    );
  }

  /**
   * Reads a request against its kind version's schema, reporting every failing field at once
   * (paths prefixed by `pathPrefix`). A request without `kindVersion` is version 1: writers keep
   * sending what they sent until they choose a later version.
   */
  parseRequest<Id extends z.ZodType>(
    raw: unknown,
    form: RequestForm<Id>,
    pathPrefix = '',
  ): ParsedRequest<z.output<Id>> {
    const envelope = this.envelopeOf(form).safeParse(raw);
    const details = envelope.success ? [] : issueDetails(envelope.error, pathPrefix);
    const version = this.namedBy(raw);
    let payload: unknown;
    if (version === undefined) {
      // An unknown kind or a malformed version is the envelope's to report; a known kind with
      // a well-formed version it never had is reported here, with the versions it has.
      const { kind, kindVersion } = isRecord(raw) ? raw : {};
      const versions = typeof kind === 'string' ? this.versionsOf(kind) : [];
      if (versions.length > 0 && Number.isInteger(kindVersion) && (kindVersion as number) >= 1) {
        details.push({
          path: formatPath(pathPrefix, ['kindVersion']),
          message: `must be one of ${versions.map((v) => v.version).join(', ')} for kind ${String(kind)}`,
        });
      }
    } else if (isRecord(raw) && raw.payload !== undefined) {
      const parsed = version.payloadWith(form.subject).safeParse(raw.payload);
      if (parsed.success) {
        payload = parsed.data;
      } else {
        details.push(...issueDetails(parsed.error, formatPath(pathPrefix, ['payload'])));
      }
    }
    if (
      version !== undefined &&
      version.details === undefined &&
      isRecord(raw) &&
      raw.erasableAfter !== undefined
    ) {
      details.push({
        path: formatPath(pathPrefix, ['erasableAfter']),
        message: `kind ${version.kind} is not erasable: its payload is on the channel`,
      });
    }
    if (details.length > 0 || !envelope.success || version === undefined) {
      throw invalidEntry(details);
    }
    const request = envelope.data as Omit<ParsedRequest<z.output<Id>>, 'kindVersion' | 'payload'>;
    return {
      ...request,
      kindVersion: version.version,
      payload: payload as Record<string, unknown>,
    };
  }

  /** The trail an entry belongs to, by its kind version. */
  streamOf(request: Pick<ParsedRequest, 'kind' | 'kindVersion' | 'payload'>): string {
    return this.versionOf(request).stream(request.payload);
  }

  /** Every index partition an entry is written into: the core ones, then its kind's own. */
  indexPartitions(
    entry: Pick<ParsedRequest, 'kind' | 'kindVersion' | 'payload'> & {
      stream: string;
      source: string;
    },
  ): [index: string, partition: string][] {
    return [
      ['stream', entry.stream],
      ['kind', entry.kind],
      ['source', entry.source],
      ...this.versionOf(entry).indexPartitions(entry.payload),
    ];
  }

  /** Each version's whole request, for documents: the API's when given the API's form. */
  requestSchemas(form: RequestForm): { version: KindVersion; schema: z.ZodType }[] {
    return this.versions.map((version) => ({
      version,
      schema: z.strictObject({
        kind: z.literal(version.kind),
        kindVersion: version.version === 1 ? z.literal(1).optional() : z.literal(version.version),
        id: form.id,
        sourceSeq: z.int().positive().optional(),
        ...(version.details === undefined ? {} : { erasableAfter: timestamp.optional() }),
        payload: version.payloadWith(form.subject),
      }),
    }));
  }

  private versionOf(request: { kind: string; kindVersion: number }): KindVersion {
    const version = this.find(request.kind, request.kindVersion);
    if (version === undefined) {
      throw new ContractError(
        'INTERNAL',
        `kind ${request.kind} v${request.kindVersion} is not registered`,
      );
    }
    return version;
  }

  private envelopeOf(form: RequestForm): z.ZodType {
    let envelope = this.envelopes.get(form.id);
    if (envelope === undefined) {
      envelope = z.strictObject({
        kind: z.enum(this.kinds as [string, ...string[]]),
        kindVersion: z.int().min(1).optional(),
        id: form.id,
        sourceSeq: z.int().positive().optional(),
        erasableAfter: timestamp.optional(),
        payload: z.unknown(),
      });
      this.envelopes.set(form.id, envelope);
    }
    return envelope;
  }
}
