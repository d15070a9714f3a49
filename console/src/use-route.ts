import { useEffect, useState } from 'react';
import { routeOf, type Route } from './route';

/** The route in the address bar's fragment, followed as it changes. */
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
