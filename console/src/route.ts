import { useEffect, useState } from 'react';

/**
 * The console's place, in the URL's fragment: `#/search?stream=…`, `#/entries/<id>`, … The
 * fragment never reaches the server, so what a regulator looks at is in no request log.
 */
export const PAGES = ['overview', 'search', 'trail', 'checkpoints', 'verify'] as const;
export type Page = (typeof PAGES)[number];

export type Route =
  { page: Page; query: URLSearchParams } | { page: 'entry'; id: string; back: string };

function isPage(name: string): name is Page {
  return (PAGES as readonly string[]).includes(name);
}

export function routeOf(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const entry = /^\/entries\/([^/]+)$/.exec(path);
  if (entry?.[1] !== undefined) {
    return { page: 'entry', id: decodeURIComponent(entry[1]), back: query.get('back') ?? '' };
  }
  const name = path.replace(/^\//, '');
  return { page: isPage(name) ? name : 'overview', query };
}

export function pageHref(page: Page, query?: URLSearchParams): string {
  const search = query?.toString() ?? '';
  return `#/${page}${search === '' ? '' : `?${search}`}`;
}

export function searchHref(query: URLSearchParams): string {
  return pageHref('search', query);
}

export function entryHref(id: string, back: string): string {
  return `#/entries/${encodeURIComponent(id)}?${new URLSearchParams({ back }).toString()}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const follow = () => {
      setRoute(routeOf(window.location.hash));
    };
    window.addEventListener('hashchange', follow);
    return () => {
      window.removeEventListener('hashchange', follow);
    };
  }, []);
  return route;
}
