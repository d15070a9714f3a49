import { createHmac } from 'node:crypto';
import { canonicalIdentifier } from '@audit-ledger/chaincode';
import { RequestError } from './request-error';

/**
 * Turns a resident identity number or unified social credit code into the subject reference
 * the ledger stores: a keyed HMAC, so the same person or company always gets the same
 * reference, and nobody without the key can go back from reference to number.
 */
export class Pseudonymizer {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) {
      throw new Error('the pseudonym key must be at least 32 bytes');
    }
  }

  /**
   * The reference of a number in any spelling (spaces, full-width digits, a lower-case check
   * character …), or undefined when `idNumber` is not one valid number.
   */
  pseudonymOf(idNumber: string): string | undefined {
    const canonical = canonicalIdentifier(idNumber);
    return canonical === undefined
      ? undefined
      : `hmac-sha256:${createHmac('sha256', this.key).update(canonical, 'utf8').digest('hex')}`;
  }
}

/** The gateway's pseudonymizer, or a refusal where its organisations hold no pseudonym key. */
export function pseudonymizerOf(pseudonymizer: Pseudonymizer | undefined): Pseudonymizer {
  if (pseudonymizer === undefined) {
    throw new RequestError(
      'FORBIDDEN',
      "this gateway's organisation holds no credit subjects and no pseudonym key",
    );
  }
  return pseudonymizer;
}
