import { ENTRY_KINDS, MAX_PAGE_SIZE, issueDetails, type EntryKind } from '@audit-ledger/chaincode';
import { z } from 'zod';
import { readPages } from './ledger/ledger-pages';
import type { Ledger, Principal } from './ledger/ledger';
import { RequestError, asQueryRefusal } from './request-error';

/** Days a count covers at most: a month, enough for an overview, bounded in work. */
export const MAX_DAYS = 31;
/** Entries counted at most per request; past it the answer says it was truncated. */
export const MAX_COUNTED_ENTRIES = 50_000;
/** The district's zone. China keeps UTC+08:00 all year, so a day is a fixed 24 h window. */
export const DISTRICT_TIME_ZONE = 'Asia/Shanghai';
const DISTRICT_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const DAYS = { error: `must be a whole number from 1 to ${MAX_DAYS}` };
export const entriesPerDayQuery = z.strictObject({
  days: z.coerce.number(DAYS).int(DAYS).min(1, DAYS).max(MAX_DAYS, DAYS).default(14),
});

export interface EntriesPerDay {
  timeZone: typeof DISTRICT_TIME_ZONE;
  days: { date: string; counts: Record<EntryKind, number> }[];
  /** Entries counted; only those the caller may read. */
  counted: number;
  truncated: boolean;
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
  principal: Principal,
  parameters: unknown,
  now: Date = new Date(),
): Promise<EntriesPerDay> {
  const parsed = entriesPerDayQuery.safeParse(parameters);
  if (!parsed.success) {
    throw new RequestError('INVALID_QUERY', 'invalid query', issueDetails(parsed.error));
  }
  const todayStart = Date.parse(`${districtDate(now.getTime())}T00:00:00+08:00`);
  const start = todayStart - (parsed.data.days - 1) * DAY_MS;
  const days = Array.from({ length: parsed.data.days }, (_, index) => ({
    date: districtDate(start + index * DAY_MS),
    counts: Object.fromEntries(ENTRY_KINDS.map((kind) => [kind, 0])) as Record<EntryKind, number>,
  }));
  const byDate = new Map(days.map((day) => [day.date, day.counts]));
  const range = {
    from: new Date(start).toISOString(),
    to: new Date(todayStart + DAY_MS).toISOString(),
  };

  let counted = 0;
  let truncated = false;
  try {
    for (const kind of ENTRY_KINDS) {
      if (counted >= MAX_COUNTED_ENTRIES) {
        truncated = true;
        break;
      }
      const read = await readPages(
        (bookmark) =>
          ledger.queryEntries(principal, {
            by: 'kind',
            value: kind,
            ...range,
            pageSize: MAX_PAGE_SIZE,
            bookmark,
          }),
        (items) => {
          for (const entry of items) {
            const counts = byDate.get(districtDate(Date.parse(entry.committedAt)));
            if (counts !== undefined) {
              counts[kind] += 1;
            }
          }
        },
        { maxEntries: MAX_COUNTED_ENTRIES - counted },
      );
      counted += read.entries;
      truncated ||= read.truncated;
    }
  } catch (error) {
    throw asQueryRefusal(error, {});
  }
  return { timeZone: DISTRICT_TIME_ZONE, days, counted, truncated };
}
