import { expect } from 'vitest';
import type { Finding } from '../../gateway/src/compliance/compliance-engine.js';
import type { TestGateway } from './gateway-server.js';
import { dataAccess, dataAccessPayload, unique } from './sample-entries.js';

/** A granted access by a team no scenario ever admitted: an `access-without-admission`. */
export function unadmittedAccess() {
  const example = dataAccessPayload();
  return dataAccess({}, { actor: { ...example.actor, team: unique('team-never-admitted') } });
}

/**
 * Every finding `key` may read (a regulator's by default), page after page, with the filter's
 * status and rule; on Fabric the ledger may hold earlier runs' findings too.
 */
export async function allFindings(
  on: TestGateway,
  filter: { status?: Finding['status']; rule?: string } = {},
  key = on.keys.regulator,
): Promise<Finding[]> {
  const items: Finding[] = [];
  let after = '';
  do {
    const query = new URLSearchParams({ limit: '500', ...filter });
    if (after !== '') {
      query.set('after', after);
    }
    const page = await on.request<{ items: Finding[]; next: string }>(
      'GET',
      `/v1/findings?${query.toString()}`,
      { key },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    after = page.body.next;
  } while (after !== '');
  return items;
}

/** The finding of `rule` about entry `entryId`, once the gateway's feed has evaluated its block. */
export async function findingAbout(
  on: TestGateway,
  entryId: string,
  rule = 'access-without-admission',
): Promise<Finding> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = (await allFindings(on, { rule })).find((item) => item.entry.id === entryId);
    if (found !== undefined) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`no ${rule} finding about ${entryId}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
