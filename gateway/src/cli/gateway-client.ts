import { readFile } from 'node:fs/promises';
import { InputError } from '@audit-ledger/verifier';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080';

/** A running gateway and the API key to call it with. */
export interface GatewayTarget {
  url: string;
  key: string;
}

/** The gateway refused the request (its error code and message) or could not be reached. */
export class GatewayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = GatewayError.name;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { path: string; message: string }[] };
}

/** A variable set to nothing is not set. */
const set = (value: string | undefined) => (value === '' ? undefined : value);

/**
 * Where to call and with which key: `--gateway` or AUDIT_LEDGER_URL, and the key from
 * AUDIT_LEDGER_KEY or from the file `--key-file` or AUDIT_LEDGER_KEY_FILE names. A key is never
 * an argument: arguments are visible to every user of the machine and kept in shell history.
 */
export async function gatewayTarget(
  options: { gateway?: string | undefined; 'key-file'?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<GatewayTarget> {
  const url = (options.gateway ?? set(env.AUDIT_LEDGER_URL) ?? DEFAULT_GATEWAY_URL).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new InputError(`--gateway ${url}: give the gateway's http:// or https:// address`);
  }
  const keyFile = options['key-file'] ?? set(env.AUDIT_LEDGER_KEY_FILE);
  let key = set(env.AUDIT_LEDGER_KEY);
  if (keyFile !== undefined) {
    try {
      key = (await readFile(keyFile, 'utf8')).trim();
    } catch (error) {
      throw new InputError(`cannot read the key file ${keyFile}: ${(error as Error).message}`);
    }
  }
  if (key === undefined || key === '') {
    throw new InputError(
      'no API key: set AUDIT_LEDGER_KEY, or give --key-file <file> (or AUDIT_LEDGER_KEY_FILE)',
    );
  }
  return { url, key };
}

function refusal(status: number, text: string): GatewayError {
  let body: ErrorBody = {};
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    // not the gateway's error envelope: report the status alone
  }
  const { code, message, details } = body.error ?? {};
  const lines = [
    `the gateway answered ${status}${code === undefined ? '' : ` ${code}`}: ${message ?? text.slice(0, 200)}`,
    ...(details ?? []).map((detail) => `  ${detail.path}: ${detail.message}`),
  ];
  return new GatewayError(lines.join('\n'));
}

async function send(
  target: GatewayTarget,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${target.key}`, ...init.headers },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new GatewayError(
      `cannot reach the gateway at ${target.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}` +
        ' (is it running? --gateway or AUDIT_LEDGER_URL names another)',
    );
  }
  if (!response.ok) {
    throw refusal(response.status, await response.text());
  }
  return response;
}

export async function getJson(target: GatewayTarget, path: string): Promise<unknown> {
  return (await send(target, path)).json();
}

/** POSTs `body` as JSON; the answer's JSON. */
export async function postJson(
  target: GatewayTarget,
  path: string,
  body: unknown,
): Promise<unknown> {
  return (
    await send(target, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json();
}

/** The answer's text, as the gateway sent it (a proof bundle is kept byte for byte). */
export async function getText(target: GatewayTarget, path: string): Promise<string> {
  return (await send(target, path)).text();
}

/** Each line of a streamed (NDJSON) answer, parsed, as it arrives. */
export async function getLines(
  target: GatewayTarget,
  path: string,
  onLine: (line: unknown) => void,
): Promise<void> {
  const response = await send(target, path, { headers: { accept: 'application/x-ndjson' } });
  if (response.body === null) {
    return;
  }
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter((text) => text.trim() !== '')) {
      onLine(JSON.parse(line));
    }
  }
  if (pending.trim() !== '') {
    onLine(JSON.parse(pending));
  }
}

/** `path` with the query parameters that have a value. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) {
      parameters.set(name, value);
    }
  }
  const text = parameters.toString();
  return text === '' ? path : `${path}?${text}`;
}
