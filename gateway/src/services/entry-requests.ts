import {
  MAX_PAGE_SIZE,
  SUBJECT_TYPES,
  entryId,
  pseudonym,
  timestamp,
  type RequestForm,
} from '@audit-ledger/chaincode';
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE } from '../ledger/entry-query';

/**
 * What callers send: each kind version's schema, as the contract's, read in a wider form where
 * the gateway does work first: the id may be left out (a UUIDv7 is assigned) and a credit
 * subject may carry the raw `idNumber`, which the gateway replaces with its pseudonym before
 * anything is stored.
 */
const apiCreditSubject = z
  .strictObject({
    type: z.enum(SUBJECT_TYPES),
    ref: pseudonym.optional(),
    idNumber: z.string().min(1).max(64).optional(),
  })
  .superRefine((subject, context) => {
    if ((subject.ref === undefined) === (subject.idNumber === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['ref'],
        message: 'exactly one of ref and idNumber is required',
      });
    }
  });

export type ApiCreditSubject = z.output<typeof apiCreditSubject>;

export const API_FORM = { id: entryId.optional(), subject: apiCreditSubject } satisfies RequestForm;

/** `POST /v1/verify`: a request as it was sent, so its id is required. */
export const VERIFY_FORM = { id: entryId, subject: apiCreditSubject } satisfies RequestForm;

/** `GET /v1/entries`: one of the ledger's indexes and its value, bounds and paging. */
export function listQueryOf(indexes: readonly string[]) {
  return z.strictObject({
    ...(Object.fromEntries(indexes.map((name) => [name, z.string().optional()])) as Record<
      string,
      z.ZodOptional<z.ZodString>
    >),
    from: timestamp.optional(),
    to: timestamp.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(8192).optional(),
  });
}
