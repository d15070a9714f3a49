import { randomUUID } from 'node:crypto';

/**
 * RFC 9562 UUID version 7: 48 bits of Unix milliseconds, then random bits; sorts by time.
 * Built on randomUUID, whose random bits come from a pooled buffer: asking for 16 fresh random
 * bytes per id costs more than everything else an id needs.
 */
export function uuidV7(now: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
