import type { KindRegistry, KindTitle, Role } from '@audit-ledger/chaincode';
import { API_FORM } from './entry-requests';
import { jsonSchemaOf } from '../json-schema';

export interface KindCatalogue {
  /** Every index `GET /v1/entries` accepts, core ones first. */
  indexes: string[];
  kinds: {
    kind: string;
    /** The latest version's title. */
    title: KindTitle;
    versions: {
      version: number;
      description: string;
      /** The name of the stream its entries join: `<stream>:<identifier>`. */
      stream: string;
      writers: Role[];
      /** The indexes this version adds beyond stream, kind and source. */
      indexes: string[];
      /** Payload fields holding a credit subject: `{type, ref}` or, at this API, `{type, idNumber}`. */
      subjectFields: string[];
      /** The payload as this API accepts it. */
      payloadSchema: Record<string, unknown>;
      examples: { summary: string; payload: unknown }[];
    }[];
  }[];
}

/** `GET /v1/kinds`: what the ledger records, for integrators and the console. */
export function kindCatalogue(kinds: KindRegistry): KindCatalogue {
  return {
    indexes: [...kinds.indexes],
    kinds: kinds.kinds.map((kind) => {
      const versions = kinds.versionsOf(kind);
      return {
        kind,
        title: versions.at(-1)?.title ?? { en: kind, 'zh-CN': kind },
        versions: versions.map((version) => ({
          version: version.version,
          description: version.description,
          stream: version.streamName,
          writers: [...version.writers],
          indexes: [...version.indexNames],
          subjectFields: [...version.subjectFields],
          payloadSchema: jsonSchemaOf(version.payloadWith(API_FORM.subject)),
          examples: version.examples.map(({ summary, payload }) => ({ summary, payload })),
        })),
      };
    }),
  };
}
