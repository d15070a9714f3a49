import { issueDetails } from '@audit-ledger/chaincode';
import { z } from 'zod';
import type { Ledger, Principal } from './ledger/ledger';
import { RequestError, asQueryRefusal } from './request-error';

/** Days a count covers at most: a month, enough for an overview, bounded in work. */
export const MAX_DAYS = 31;
/** Days counted when the caller does not say: the overview's fortnight. */
export const DEFAULT_DAYS = 14;
/** The district's zone. China keeps UTC+08:00 all year, so a day is a fixed 24 h window. */
export const DISTRICT_TIME_ZONE = 'Asia/Shanghai';
const DISTRICT_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const DAYS = { error: `must be a whole number from 1 to ${MAX_DAYS}` };
export const entriesPerDayQuery = z.strictObject({
  days: z.coerce.number(DAYS).int(DAYS).min(1, DAYS).max(MAX_DAYS, DAYS).default(DEFAULT_DAYS),
});

export interface EntriesPerDay {
  timeZone: typeof DISTRICT_TIME_ZONE;
  /** Each day's entries by kind; only those the caller may read. */
  days: { date: string; counts: Record<string, number> }[];
  /** False when a day held more entries than one count reads (the contract's bound). */
  complete: boolean;
}

/** The district's calendar date (YYYY-MM-DD) of an instant. */
function districtDate(instant: number): string {
  return new Date(instant + DISTRICT_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Entries committed on each of the last `days` district days (today included), by kind — of
 * the entries `principal` may read, so a count tells a caller nothing a search would not.
 */
export async function entriesPerDay(
  ledger: Ledger,
  kinds: readonly string[],
  principal: Principal,
  parameters: unknown,
  now: Date = new Date(),
): Promise<EntriesPerDay> {
  const parsed = entriesPerDayQuery.safeParse(parameters);
  if (!parsed.success) {
    throw new RequestError('INVALID_QUERY', 'invalid query', issueDetails(parsed.error));
  }
  const todayStart = Date.parse(`${districtDate(now.getTime())}T00:00:00+08:00`);
  const first = todayStart - (parsed.data.days - 1) * DAY_MS;
  const starts = Array.from({ length: parsed.data.days }, (_, index) => first + index * DAY_MS);
  try {
    // Each day and kind is one bounded count of index keys; none reads an entry.
    const counted = await Promise.all(
      starts.map(async (start) => {
        const range = {
          from: new Date(start).toISOString(),
          to: new Date(start + DAY_MS).toISOString(),
        };
        const counts = await Promise.all(
          kinds.map((kind) =>
            ledger.countEntries(principal, { by: 'kind', value: kind, ...range }),
          ),
        );
        return { date: districtDate(start), counts };
      }),
    );
    return {
      timeZone: DISTRICT_TIME_ZONE,
      days: counted.map(({ date, counts }) => ({
        date,
        counts: Object.fromEntries(kinds.map((kind, index) => [kind, counts[index]?.count ?? 0])),
      })),
      complete: counted.every(({ counts }) => counts.every((count) => count.complete)),
    };
  } catch (error) {
    throw asQueryRefusal(error, {});
  }
}
