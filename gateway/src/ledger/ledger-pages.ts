import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LedgerEntry, LedgerPage } from './ledger';

/**
 * Reads a query's pages in order, handing each page's entries to `visit`, until the query ends
 * or `maxEntries` have been read. Between pages it yields, so a long read shares the gateway with
 * other requests; it stops between pages when `signal` aborts.
 */
export async function readPages(
  page: (bookmark: string) => Promise<LedgerPage>,
  visit: (items: LedgerEntry[], readSoFar: number) => void,
  options: { maxEntries: number; signal?: AbortSignal | undefined },
): Promise<{ entries: number; truncated: boolean }> {
  let entries = 0;
  let bookmark = '';
  do {
    options.signal?.throwIfAborted();
    const next = await page(bookmark);
    entries += next.items.length;
    visit(next.items, entries);
    bookmark = next.bookmark;
    // A page's promise may settle without ever leaving the thread: yield so others are served.
    await nextTurn();
  } while (bookmark !== '' && entries < options.maxEntries);
  return { entries, truncated: bookmark !== '' };
}
