/**
 * The console's place, in the URL's fragment: `#/search?stream=…`, `#/entries/<MSP id>%2F<id>`,
 * … The fragment never reaches the server, so what a regulator looks at is in no request log.
 */
export const PAGES = ['overview', 'alerts', 'search', 'trail', 'checkpoints', 'verify'] as const;
export type Page = (typeof PAGES)[number];

export type Route =
  { page: Page; query: URLSearchParams } | { page: 'entry'; id: string; back: string };

/** Where the console opens, and where a link it cannot follow leads instead. */
const DEFAULT_PAGE: Page = 'overview';

function isPage(name: string): name is Page {
  return (PAGES as readonly string[]).includes(name);
}

/** The path and query of a fragment (`#/search?…`), the `#` optional. */
function partsOf(hash: string): { path: string; query: URLSearchParams } {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  return { path, query: new URLSearchParams(search) };
}

/**
 * Where an entry page's "back" link leads. The `back` parameter comes from the URL, which anyone
 * can craft: only one of the console's own pages is followed, rebuilt from its parts, so the
 * link stays in this document; anything else (another site, `javascript:`, a path on the
 * gateway) leads to the default page. No `back` at all means no link.
 */
export function backHref(back: string | null): string {
  if (back === null || back === '') {
    return '';
  }
  const { path, query } = partsOf(back);
  const name = path.replace(/^\//, '');
  return back.startsWith('#/') && isPage(name) ? pageHref(name, query) : pageHref(DEFAULT_PAGE);
}

export function routeOf(hash: string): Route {
  const { path, query } = partsOf(hash);
  const entry = /^\/entries\/([^/]+)$/.exec(path);
  if (entry?.[1] !== undefined) {
    return { page: 'entry', id: decodeURIComponent(entry[1]), back: backHref(query.get('back')) };
  }
  const name = path.replace(/^\//, '');
  return { page: isPage(name) ? name : DEFAULT_PAGE, query };
}

export function pageHref(page: Page, query?: URLSearchParams): string {
  const search = query?.toString() ?? '';
  return `#/${page}${search === '' ? '' : `?${search}`}`;
}

export function searchHref(query: URLSearchParams): string {
  return pageHref('search', query);
}

/** An entry's page, by its name (`entryName`, `<MSP id>/<id>`), with the page to go back to. */
export function entryHref(name: string, back: string): string {
  return `#/entries/${encodeURIComponent(name)}?${new URLSearchParams({ back }).toString()}`;
}
