import { z } from 'zod';
import type { Role } from '../roles';
import { pseudonym } from '../text-schemas';

export const SUBJECT_TYPES = ['person', 'organization'] as const;

/** A credit subject as the ledger stores it: a pseudonym, never the identifier itself. */
export const creditSubject = z.strictObject({ type: z.enum(SUBJECT_TYPES), ref: pseudonym });

/** The stored form of a credit subject, which a kind's stream and indexes may read. */
export type CreditSubject = z.infer<typeof creditSubject>;

/** A kind's name in the languages the console speaks. */
export interface KindTitle {
  en: string;
  'zh-CN': string;
}

/**
 * Everything about one version of one entry kind, as its module writes it. The payload schema is
 * written around a credit-subject schema so that the gateway can accept the raw identifier where
 * the ledger only ever stores its pseudonym; kinds without subjects ignore the argument.
 */
export interface KindVersionDefinition<Payload extends z.ZodType> {
  /** Lower-case words joined by hyphens; never renamed once entries exist. */
  kind: string;
  /** 1, 2, …: a new version is a new module; earlier versions stay for their entries. */
  version: number;
  title: KindTitle;
  /** One paragraph for the API document and the docs: what happened when this is recorded. */
  description: string;
  /** The roles that may write it. */
  writers: readonly Role[];
  payloadWith: (subject: typeof creditSubject) => Payload;
  /**
   * Top-level payload fields holding a credit subject: the gateway accepts `{type, idNumber}`
   * there and stores `{type, ref}`, the number's pseudonym. Anywhere else a national
   * identifier refuses the entry.
   */
  subjectFields?: readonly NoInfer<keyof z.output<Payload> & string>[];
  /**
   * The trail an auditor follows from one event to the next, `<name>:<identifier>`: a dataset,
   * an algorithm, a team, a credit subject. Kinds sharing a name share the trail.
   */
  stream: { name: string; of: (payload: z.output<Payload>) => string };
  /**
   * Further indexes an entry is found by, each name a query parameter of `GET /v1/entries`,
   * each value one or more identifiers from the payload. Kinds sharing a name share the index.
   */
  indexes?: Readonly<Record<string, (payload: z.output<Payload>) => string | readonly string[]>>;
  /**
   * Payloads held in a private data collection rather than on the channel, so that they can be
   * erased: the channel keeps the entry's digest and the hash of its details, which prove what
   * existed, while its stream and its own indexes (which name the subject) stay in the
   * collection too.
   */
  details?: {
    collection: string;
    /**
     * The group of entries that end together (a credit record and its changes) and whether this
     * entry ends it: an ending entry's retention covers every earlier entry of its group.
     */
    retentionGroup?: {
      index: NoInfer<keyof NonNullable<KindVersionDefinition<Payload>['indexes']>>;
      endedBy: (payload: z.output<Payload>) => boolean;
    };
  };
  /**
   * The contract transaction that alone records entries of this kind, as part of what it does
   * (an erasure records itself); RecordEntry and RecordEntries refuse them.
   */
  recordedBy?: string;
  /** The rules between fields the schema enforces, in words, for the docs. */
  rules?: readonly string[];
  /** Realistic payloads, in the stored form; each must pass the schema. */
  examples: readonly { summary: string; payload: z.input<Payload> }[];
}

/** Where a kind version's details live, and how its entries' retention groups. */
export interface KindDetails {
  collection: string;
  retentionGroup?: {
    index: string;
    /** The group's identifier of a payload that passed the schema. */
    of: (payload: unknown) => string;
    endedBy: (payload: unknown) => boolean;
  };
}

/** One kind version as the registry holds it: its payload type erased, checked by its schema. */
export interface KindVersion {
  kind: string;
  version: number;
  title: KindTitle;
  description: string;
  writers: readonly Role[];
  /** The payload as the ledger stores it. */
  payload: z.ZodType;
  /** The payload around another credit-subject schema (the gateway's, which admits numbers). */
  payloadWith: (subject: z.ZodType) => z.ZodType;
  subjectFields: readonly string[];
  /** The stream's name, before its colon. */
  streamName: string;
  /** The whole stream of a payload that passed `payload`. */
  stream: (payload: unknown) => string;
  indexNames: readonly string[];
  /** Each index's partitions for a payload that passed `payload`, without repeats. */
  indexPartitions: (payload: unknown) => [name: string, partition: string][];
  /** Where its payload is held when not on the channel (see KindVersionDefinition.details). */
  details: KindDetails | undefined;
  /** See KindVersionDefinition.recordedBy; undefined when any writer records it. */
  recordedBy: string | undefined;
  rules: readonly string[];
  examples: readonly { summary: string; payload: unknown }[];
}

export function defineKindVersion<Payload extends z.ZodType>(
  definition: KindVersionDefinition<Payload>,
): KindVersion {
  const indexes = Object.entries(definition.indexes ?? {});
  // Only called with payloads that passed this version's own schema.
  const typed = (payload: unknown) => payload as z.output<Payload>;
  // Built once per subject schema: requests are read with it on every write.
  const schemas = new WeakMap<z.ZodType, z.ZodType>();
  const payloadWith = (subject: z.ZodType): z.ZodType => {
    let schema = schemas.get(subject);
    if (schema === undefined) {
      schema = definition.payloadWith(subject as typeof creditSubject);
      schemas.set(subject, schema);
    }
    return schema;
  };
  return {
    kind: definition.kind,
    version: definition.version,
    title: definition.title,
    description: definition.description,
    writers: definition.writers,
    payload: payloadWith(creditSubject),
    payloadWith,
    subjectFields: definition.subjectFields ?? [],
    streamName: definition.stream.name,
    stream: (payload) => `${definition.stream.name}:${definition.stream.of(typed(payload))}`,
    indexNames: indexes.map(([name]) => name),
    indexPartitions: (payload) =>
      indexes.flatMap(([name, valuesOf]) => {
        const values = valuesOf(typed(payload));
        return [...new Set(typeof values === 'string' ? [values] : values)].map(
          (value): [string, string] => [name, value],
        );
      }),
    details: detailsOf(definition, typed),
    recordedBy: definition.recordedBy,
    rules: definition.rules ?? [],
    examples: definition.examples,
  };
}

function detailsOf<Payload extends z.ZodType>(
  definition: KindVersionDefinition<Payload>,
  typed: (payload: unknown) => z.output<Payload>,
): KindDetails | undefined {
  const { details } = definition;
  if (details === undefined) {
    return undefined;
  }
  const group = details.retentionGroup;
  const groupOf = group === undefined ? undefined : definition.indexes?.[group.index];
  if (group !== undefined && groupOf === undefined) {
    throw new Error(`kind ${definition.kind}: retention group ${group.index} is not an index`);
  }
  return {
    collection: details.collection,
    ...(group === undefined || groupOf === undefined
      ? {}
      : {
          retentionGroup: {
            index: group.index,
            of: (payload: unknown) => {
              const values = groupOf(typed(payload));
              return typeof values === 'string' ? values : (values[0] ?? '');
            },
            endedBy: (payload: unknown) => group.endedBy(typed(payload)),
          },
        }),
  };
}
