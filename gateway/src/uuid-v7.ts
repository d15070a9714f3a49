import { randomUUID } from 'node:crypto';
import { containsNationalIdentifier } from '@audit-ledger/chaincode';

/**
 * RFC 9562 UUID version 7: 48 bits of Unix milliseconds, then random bits; sorts by time.
 * Built on randomUUID, whose random bits come from a pooled buffer: asking for 16 fresh random
 * bytes per id costs more than everything else an id needs. About 3 ids in a million spell a
 * valid resident number in their digits by chance, which the contract would refuse as personal
 * data in an id the caller never sent: those are drawn again.
 */
export function uuidV7(now: number = Date.now(), uuidV4: () => string = randomUUID): string {
  const time = now.toString(16).padStart(12, '0');
  for (;;) {
    const random = uuidV4(); // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx
    const id = `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
    if (!containsNationalIdentifier(id)) {
      return id;
    }
  }
}
