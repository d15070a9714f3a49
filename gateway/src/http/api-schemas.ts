import {
  DEFAULT_PAGE_SIZE,
  MAX_ENTRIES_PER_TRANSACTION,
  MAX_PAGE_SIZE,
  SUBJECT_TYPES,
  entryId,
  entryRequestOf,
  pseudonym,
  timestamp,
} from '@audit-ledger/chaincode';
import { z } from 'zod';

/**
 * What callers send. The same schemas as the contract's, widened where the gateway does work
 * first: the id may be left out (a UUIDv7 is assigned) and a credit subject may carry the raw
 * `idNumber`, which the gateway replaces with its pseudonym before anything is stored.
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

export const apiEntryRequest = entryRequestOf({
  id: entryId.optional(),
  creditSubject: apiCreditSubject,
});

export const batchRequest = z.strictObject({
  entries: z.array(z.unknown()).min(1).max(MAX_ENTRIES_PER_TRANSACTION),
});

export const verifyRequest = entryRequestOf({ id: entryId, creditSubject: apiCreditSubject });

export const listQuery = z.strictObject({
  kind: z.string().optional(),
  stream: z.string().optional(),
  source: z.string().optional(),
  recordId: z.string().optional(),
  approvalRef: z.string().optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(8192).optional(),
});
