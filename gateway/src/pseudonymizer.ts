import { createHmac } from 'node:crypto';
import { isResidentIdNumber, isUnifiedSocialCreditCode } from '@audit-ledger/chaincode';

/** Spaces and hyphens people type inside numbers, and a lower-case check character. */
export function normalizeIdNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function isValidIdNumber(normalized: string): boolean {
  return isResidentIdNumber(normalized) || isUnifiedSocialCreditCode(normalized);
}

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

  pseudonymOf(idNumber: string): string {
    const normalized = normalizeIdNumber(idNumber);
    return `hmac-sha256:${createHmac('sha256', this.key).update(normalized, 'utf8').digest('hex')}`;
  }
}
