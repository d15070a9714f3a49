import { useEffect, useState } from 'react';

/**
 * The console's place, in the URL's fragment: `#/search?stream=…` or `#/entries/<id>`. The
 * fragment never reaches the server, so a search is not in any request log.
 */
export type Route =
  { page: 'search'; query: URLSearchParams } | { page: 'entry'; id: string; back: string };

export function routeOf(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const entry = /^\/entries\/([^/]+)$/.exec(path);
  if (entry?.[1] !== undefined) {
    const query = new URLSearchParams(search);
    return { page: 'entry', id: decodeURIComponent(entry[1]), back: query.get('back') ?? '' };
  }
  return { page: 'search', query: new URLSearchParams(search) };
}

export function searchHref(query: URLSearchParams): string {
  return `#/search?${query.toString()}`;
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
