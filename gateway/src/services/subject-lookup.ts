import { pseudonymKeyHolders, type KindRegistry } from '@audit-ledger/chaincode';
import { z } from 'zod';
import type { Principal } from '../ledger/ledger';
import { pseudonymizerOf, type Pseudonymizer } from './pseudonymizer';
import { RequestError, parseRequest } from './request-error';

export const subjectLookupRequest = z.strictObject({
  idNumber: z.string().min(1).max(64),
});

export interface SubjectLookup {
  subject: { ref: string };
  stream: string;
}

/**
 * The pseudonym and stream of a person or company, for a caller who has their number. The
 * number arrives in a body (never a URL), is not logged, and is not in the answer.
 */
export function lookUpSubject(
  pseudonymizer: Pseudonymizer | undefined,
  kinds: KindRegistry,
  principal: Principal,
  raw: unknown,
): SubjectLookup {
  // Who may turn a number into the trail the ledger keeps for it: the roles that hold the
  // pseudonym key (the regulator, and the credit authority that writes those trails).
  const holders = pseudonymKeyHolders(kinds);
  if (!holders.includes(principal.role)) {
    throw new RequestError(
      'FORBIDDEN',
      `role ${principal.role} may not look up credit subjects; ${holders.join(' and ')} may`,
    );
  }
  const request = parseRequest(subjectLookupRequest, raw, 'INVALID_ARGUMENT', 'invalid lookup');
  const ref = pseudonymizerOf(pseudonymizer).pseudonymOf(request.idNumber);
  if (ref === undefined) {
    throw new RequestError('INVALID_ARGUMENT', 'invalid lookup', [
      {
        path: 'idNumber',
        message: 'is not a valid resident identity number or unified social credit code',
      },
    ]);
  }
  return { subject: { ref }, stream: `subject:${ref}` };
}
