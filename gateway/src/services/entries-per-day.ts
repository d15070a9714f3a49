import { z } from 'zod';
import type { Ledger, Principal } from '../ledger/ledger';
import { DISTRICT_TIME_ZONE, districtDate } from '../ledger/entry-day-counts';
import { parseRequest } from './request-error';

/** Days a count covers at most: a month, enough for an overview. */
export const MAX_DAYS = 31;
/** Days counted when the caller does not say: the overview's fortnight. */
export const DEFAULT_DAYS = 14;
const DAY_MS = 86_400_000;

const DAYS = { error: `must be a whole number from 1 to ${MAX_DAYS}` };
export const entriesPerDayQuery = z.strictObject({
  days: z.coerce.number(DAYS).int(DAYS).min(1, DAYS).max(MAX_DAYS, DAYS).default(DEFAULT_DAYS),
});

export interface EntriesPerDay {
  timeZone: typeof DISTRICT_TIME_ZONE;
  /** Each day's entries by kind; only those the caller may read. */
  days: { date: string; counts: Record<string, number> }[];
  /** False while the ledger's counts do not yet cover every block (see LedgerDayCounts). */
  complete: boolean;
}

/**
 * Entries committed on each of the last `days` district days (today included), by kind — of
 * the entries `principal` may read, so a count tells a caller nothing a search would not. The
 * ledger keeps the counts as blocks commit: one bounded read, whatever the ledger's size.
 */
export async function entriesPerDay(
  ledger: Ledger,
  kinds: readonly string[],
  principal: Principal,
  parameters: unknown,
  now: Date = new Date(),
): Promise<EntriesPerDay> {
  const { days: dayCount } = parseRequest(
    entriesPerDayQuery,
    parameters,
    'INVALID_QUERY',
    'invalid query',
  );
  // Noon of each day, counted back from today's: a date whatever the hour now.
  const todayNoon = Date.parse(`${districtDate(now.getTime())}T12:00:00+08:00`);
  const dates = Array.from({ length: dayCount }, (_, index) =>
    districtDate(todayNoon - (dayCount - 1 - index) * DAY_MS),
  );
  const counted = await ledger.countEntriesPerDay(principal, {
    from: dates[0] ?? '',
    to: dates.at(-1) ?? '',
  });
  // Every kind of every day, 0 where none was counted; a kind no longer registered is left out.
  const days = new Map(
    dates.map((date) => [date, Object.fromEntries(kinds.map((kind) => [kind, 0]))]),
  );
  for (const { date, kind, count } of counted.counts) {
    const counts = days.get(date);
    if (counts !== undefined && Object.hasOwn(counts, kind)) {
      counts[kind] = count;
    }
  }
  return {
    timeZone: DISTRICT_TIME_ZONE,
    days: [...days].map(([date, counts]) => ({ date, counts })),
    complete: counted.complete,
  };
}
