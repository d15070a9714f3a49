import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../.generated/api-schema';

export type Entry = components['schemas']['Entry'];
export type EntryPage = components['schemas']['EntryPage'];
export type Caller = components['schemas']['Caller'];
export type ErrorBody = components['schemas']['Error'];
export type TrailReport = components['schemas']['TrailReport'];
export type EntriesPerDay = components['schemas']['EntriesPerDay'];
export type Readiness = components['schemas']['Readiness'];
export type KindCatalogue = components['schemas']['KindCatalogue'];
export type Finding = components['schemas']['Finding'];
export type FindingStatus = Finding['status'];

const STORED_KEY = 'audit-console.key';

/** The signed-in API key: this tab's session storage only, never local storage or a cookie. */
export const session = {
  key: (): string | null => sessionStorage.getItem(STORED_KEY),
  signIn: (key: string) => {
    sessionStorage.setItem(STORED_KEY, key);
  },
  signOut: () => {
    sessionStorage.removeItem(STORED_KEY);
  },
};

const bearer: Middleware = {
  onRequest({ request }) {
    const key = session.key();
    if (key !== null) {
      request.headers.set('Authorization', `Bearer ${key}`);
    }
    return request;
  },
};

/**
 * A gateway that cannot be reached answers like a refusal, in the API's error shape, so every
 * page shows it where it shows any other failure instead of waiting for ever.
 */
const unreachable: Middleware = {
  onError({ error }) {
    const body: ErrorBody = {
      error: {
        code: 'LEDGER_UNAVAILABLE',
        message: `the gateway cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
    return new Response(JSON.stringify(body), {
      status: 503,
      headers: { 'Content-Type': 'application/json' },
    });
  },
};

/** The gateway's API, typed from its OpenAPI document, on the origin that served the console. */
export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(bearer, unreachable);

/** Whether a key is valid, and whose it is, without keeping it. */
export async function callerOf(key: string): Promise<Caller | undefined> {
  const { data } = await createClient<paths>({ baseUrl: window.location.origin }).GET('/v1/me', {
    headers: { Authorization: `Bearer ${key}` },
  });
  return data;
}

/**
 * Every page of a `GET /v1/entries` query, up to `limit` entries; `more` when the query held
 * more than that.
 */
export async function readEntries(
  query: Record<string, string | undefined>,
  limit: number,
  onProgress: (read: number) => void = () => undefined,
): Promise<{ entries: Entry[]; more: boolean }> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET('/v1/entries', {
      params: { query: { ...query, limit: 500, cursor } },
    });
    if (data === undefined) {
      throw new Error(failureText(error));
    }
    entries.push(...data.items);
    onProgress(entries.length);
    cursor = data.nextCursor ?? undefined;
  } while (cursor !== undefined && entries.length < limit);
  return { entries: entries.slice(0, limit), more: cursor !== undefined || entries.length > limit };
}

/** The most findings the gateway sends in one page. */
const MOST_FINDINGS_PER_PAGE = 500;

/**
 * The first `wanted` findings of a `GET /v1/findings` query, in the order they were raised, read
 * from the first page each time: what was closed or raised since the last read shows where it
 * is now. `more` when the gateway has a page after them.
 */
export async function readFindings(
  filter: { status?: FindingStatus | undefined; rule?: string | undefined },
  wanted: number,
): Promise<{ items: Finding[]; more: boolean }> {
  const items: Finding[] = [];
  let after: number | undefined;
  do {
    const limit = Math.min(wanted - items.length, MOST_FINDINGS_PER_PAGE);
    const { data, error } = await api.GET('/v1/findings', {
      params: { query: { ...filter, after, limit } },
    });
    if (data === undefined) {
      throw new Error(failureText(error));
    }
    items.push(...data.items);
    after = data.next === '' ? undefined : Number(data.next);
  } while (after !== undefined && items.length < wanted);
  return { items, more: after !== undefined };
}

/** A regulator closes a finding, saying why; the gateway records the closure on the ledger. */
export function closeFinding(id: string, reason: string) {
  return api.POST('/v1/findings/{id}/close', { params: { path: { id } }, body: { reason } });
}

/** What a refused request's answer says, as one line. */
export function failureText(error: unknown): string {
  const body = error as Partial<ErrorBody> | string | undefined;
  if (typeof body === 'string') {
    return body;
  }
  return body?.error === undefined ? 'no answer' : `${body.error.code} — ${body.error.message}`;
}
