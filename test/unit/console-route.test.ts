/**
 * The console's routes: an entry page's `back` link comes from the URL, which anyone can craft
 * and send to a regulator, so it may lead only to one of the console's own pages.
 */
import { describe, expect, test } from 'vitest';
import { entryName } from '../../console/src/entry-name.js';
import { entryHref, routeOf, searchHref } from '../../console/src/route.js';

/** The back link of an entry page reached through a crafted `back` parameter. */
function backOf(back: string): string {
  const route = routeOf(`#/entries/demo-1?${new URLSearchParams({ back }).toString()}`);
  if (route.page !== 'entry') {
    throw new Error(`not an entry page: ${route.page}`);
  }
  return route.back;
}

describe('an entry page’s back link', () => {
  test('leads back to the console page the entry was opened from', () => {
    const results = searchHref(new URLSearchParams({ by: 'dataset', value: 'traffic-flow-2025' }));
    const route = routeOf(entryHref('SandboxOrg/demo-1', results));
    expect(route).toEqual({ page: 'entry', id: 'SandboxOrg/demo-1', back: results });
    expect(backOf('#/trail?by=source&value=SandboxOrg%2Fsandbox-platform')).toBe(
      '#/trail?by=source&value=SandboxOrg%2Fsandbox-platform',
    );
  });

  test.each([
    'https://evil.example/',
    '//evil.example/#/search',
    'https:evil.example',
    'javascript:alert(document.domain)',
    'data:text/html,<script>alert(1)</script>',
    '/v1/entries',
    '/console/#/search',
    '#/nowhere',
    '#/search/../../evil',
    '#//evil.example/',
    ' #/search',
  ])('%s leads to the default page instead', (back) => {
    expect(backOf(back)).toBe('#/overview');
  });

  test('no back parameter, no back link', () => {
    expect(routeOf('#/entries/demo-1')).toEqual({ page: 'entry', id: 'demo-1', back: '' });
  });
});

describe('entry links', () => {
  test('name the entry with its organisation, so a regulator’s lookup is never ambiguous', () => {
    const name = entryName({ id: 'batch-0042', submitter: { mspId: 'CreditOrg' } });
    expect(name).toBe('CreditOrg/batch-0042');
    const href = entryHref(name, '#/search');
    expect(href).toBe('#/entries/CreditOrg%2Fbatch-0042?back=%23%2Fsearch');
    expect(routeOf(href)).toEqual({ page: 'entry', id: 'CreditOrg/batch-0042', back: '#/search' });
  });
});
