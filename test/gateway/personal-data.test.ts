import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { entryDigest } from '../../chaincode/src/index.js';
import type { LedgerEntry, RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { spellings } from '../support/identifier-spellings.js';
import {
  TEST_LEDGER,
  startTestGateway,
  type ErrorBody,
  type HttpResult,
  type TestGateway,
} from '../support/gateway-server.js';
import { filesUnder } from '../support/files.js';
import {
  CREDIT_CODE,
  RESIDENT_ID,
  creditChange,
  creditChangePayload,
  dataAccess,
} from '../support/sample-entries.js';

/** A second valid resident identity number (check character 8), for a different person. */
const OTHER_RESIDENT_ID = '110105198001011238';
/** RESIDENT_ID with a wrong check character ('1' instead of 'X'): not a national identifier. */
const BAD_CHECK_DIGIT = '110105194912310021';

/** Every spelling in which the tests below send a person's or an organisation's number. */
const PERSON_FORMS = [
  RESIDENT_ID,
  RESIDENT_ID.toLowerCase(),
  '110105 19491231 002X',
  '110105-19491231-002x',
  ' 1101-0519-4912-3100-2X ',
  OTHER_RESIDENT_ID,
];
const ORGANIZATION_FORMS = [CREDIT_CODE, CREDIT_CODE.toLowerCase(), '9135-0100-M000-100Y43'];
const SENT_FORMS = [...PERSON_FORMS, ...ORGANIZATION_FORMS];

/** What must never be stored, logged or answered: the numbers, either case, and their bodies. */
const NEEDLES = [
  ...new Set(
    [RESIDENT_ID, OTHER_RESIDENT_ID, CREDIT_CODE, ...SENT_FORMS].flatMap((form) => [
      form,
      form.toUpperCase(),
      form.toLowerCase(),
      form.slice(0, 17),
      form.slice(0, 17).toLowerCase(),
    ]),
  ),
];

interface BatchBody {
  results: ({ status: number; error?: ErrorBody['error'] } & Partial<{ entry: RecordedEntry }>)[];
}

/** The HMAC the gateway must store, computed here with node:crypto and the key on disk. */
async function expectedRef(gateway: TestGateway, normalised: string): Promise<string> {
  const hex = (await readFile(gateway.pseudonymKeyFile, 'utf8')).trim();
  expect(hex).toMatch(/^[0-9a-f]{64,}$/);
  const key = Buffer.from(hex, 'hex');
  return `hmac-sha256:${createHmac('sha256', key).update(normalised, 'utf8').digest('hex')}`;
}

function needlesIn(text: string): string[] {
  return NEEDLES.filter((needle) => text.includes(needle));
}

function needlesInBytes(bytes: Buffer): string[] {
  return NEEDLES.filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')));
}

/** Every file under the data folder, as raw bytes. */
async function rawFiles(folder: string): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  for (const file of await filesUnder(folder)) {
    contents.set(file.slice(folder.length + 1), await readFile(file));
  }
  return contents;
}

/** Every cell of every table of an SQLite file, as text. */
function sqliteDump(file: string): string {
  const db = new Database(file);
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all();
    const cells: string[] = [];
    for (const { name } of tables) {
      for (const row of db.prepare<[], Record<string, unknown>>(`SELECT * FROM "${name}"`).all()) {
        for (const value of Object.values(row)) {
          cells.push(Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
        }
      }
    }
    return cells.join('\n');
  } finally {
    db.close();
  }
}

/** Sends a request and checks that its answer never carries a national identifier. */
function client(gateway: TestGateway, seen: string[]) {
  return async <Body>(
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ): Promise<HttpResult<Body>> => {
    const response = await gateway.request<Body>(method, path, { key, body });
    seen.push(response.text);
    expect(needlesIn(response.text)).toEqual([]);
    for (const [name, value] of response.headers) {
      expect(needlesIn(`${name}: ${value}`)).toEqual([]);
    }
    return response;
  };
}

function personSubject(idNumber: string) {
  return { subject: { type: 'person', idNumber } };
}

function paths(body: ErrorBody): string[] {
  return (body.error.details ?? []).map((detail) => detail.path);
}

describe('credit subjects given as national identifiers', () => {
  let gateway: TestGateway;
  let send: ReturnType<typeof client>;
  let creditKey: string;
  const seen: string[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    send = client(gateway, seen);
    creditKey = gateway.keys['credit-writer'];
  });

  afterAll(async () => {
    await gateway.close();
  });

  test('a resident identity number is stored as the keyed HMAC of the number', async () => {
    const request = creditChange({}, personSubject(RESIDENT_ID));
    const ref = await expectedRef(gateway, RESIDENT_ID);

    const created = await send<RecordedEntry>('POST', '/v1/entries', creditKey, request);
    expect(created.status).toBe(201);
    expect(created.body.payload).toEqual({
      ...creditChangePayload(),
      subject: { type: 'person', ref },
    });
    expect(created.body.stream).toBe(`subject:${ref}`);
    // The digest covers what is stored: the pseudonym, not the number.
    expect(created.body.digest).toBe(
      entryDigest({ kind: 'credit-change', id: request.id, payload: created.body.payload }),
    );

    const read = await send<LedgerEntry>(
      'GET',
      `/v1/entries/${request.id}`,
      gateway.keys.regulator,
    );
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  test.each([
    ['a lower-case x', RESIDENT_ID.toLowerCase()],
    ['spaces', '110105 19491231 002X'],
    ['hyphens and a lower-case x', '110105-19491231-002x'],
    ['surrounding spaces and hyphens', ' 1101-0519-4912-3100-2X '],
  ])('the same number written with %s gives the same reference', async (_label, idNumber) => {
    const ref = await expectedRef(gateway, RESIDENT_ID);
    const created = await send<RecordedEntry>(
      'POST',
      '/v1/entries',
      creditKey,
      creditChange({}, personSubject(idNumber)),
    );
    expect(created.status).toBe(201);
    expect(created.body.payload).toMatchObject({ subject: { type: 'person', ref } });
  });

  test('a unified social credit code works too, in either case', async () => {
    const ref = await expectedRef(gateway, CREDIT_CODE);
    expect(ref).not.toBe(await expectedRef(gateway, RESIDENT_ID));
    for (const idNumber of ORGANIZATION_FORMS) {
      const created = await send<RecordedEntry>(
        'POST',
        '/v1/entries',
        creditKey,
        creditChange({}, { subject: { type: 'organization', idNumber } }),
      );
      expect(created.status).toBe(201);
      expect(created.body.payload).toMatchObject({ subject: { type: 'organization', ref } });
    }
  });

  test('different numbers give different references', async () => {
    const created = await send<RecordedEntry>(
      'POST',
      '/v1/entries',
      creditKey,
      creditChange({}, personSubject(OTHER_RESIDENT_ID)),
    );
    expect(created.status).toBe(201);
    const ref = await expectedRef(gateway, OTHER_RESIDENT_ID);
    expect(ref).not.toBe(await expectedRef(gateway, RESIDENT_ID));
    expect(created.body.payload).toMatchObject({ subject: { ref } });
  });

  test('a retry spelling the number differently is the same entry (200), another number conflicts', async () => {
    const request = creditChange({}, personSubject(RESIDENT_ID));
    const first = await send<RecordedEntry>('POST', '/v1/entries', creditKey, request);
    expect(first.status).toBe(201);

    const retry = await send<RecordedEntry>('POST', '/v1/entries', creditKey, {
      ...request,
      payload: { ...request.payload, ...personSubject('110105-19491231-002x') },
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);

    const other = await send<ErrorBody>('POST', '/v1/entries', creditKey, {
      ...request,
      payload: { ...request.payload, ...personSubject(OTHER_RESIDENT_ID) },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('ENTRY_CONFLICT');
  });

  test('batch items are pseudonymised one by one', async () => {
    const good = creditChange({}, personSubject(RESIDENT_ID.toLowerCase()));
    const leaky = creditChange({}, { operator: RESIDENT_ID });
    const response = await send<BatchBody>('POST', '/v1/entries/batch', creditKey, {
      entries: [good, leaky],
    });
    expect(response.status).toBe(200);
    const [first, second] = response.body.results;
    expect(first?.status).toBe(201);
    expect(first?.entry?.payload).toMatchObject({
      subject: { type: 'person', ref: await expectedRef(gateway, RESIDENT_ID) },
    });
    expect(second?.status).toBe(400);
    expect(second?.error?.code).toBe('PERSONAL_DATA');
    expect(second?.error?.details?.map((detail) => detail.path)).toEqual(['payload.operator']);
  });

  test.each([
    ['a wrong check character', BAD_CHECK_DIGIT],
    ['a wrong check character, lower case', '11010519491231003x'],
    ['too few characters', '1101051949123100'],
    ['an impossible date', '110105194902300021'],
    ['letters', 'not-an-id-number'],
  ])('an idNumber with %s is refused with INVALID_ENTRY at its path', async (_label, idNumber) => {
    const request = creditChange({}, personSubject(idNumber));
    const response = await send<ErrorBody>('POST', '/v1/entries', creditKey, request);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_ENTRY');
    expect(paths(response.body)).toContain('payload.subject.idNumber');
    expect(response.text).not.toContain(idNumber);

    const read = await send<ErrorBody>('GET', `/v1/entries/${request.id}`, creditKey);
    expect(read.status).toBe(404);
  });

  test('a subject with both ref and idNumber, or neither, is refused', async () => {
    const ref = await expectedRef(gateway, RESIDENT_ID);
    const both = creditChange({}, { subject: { type: 'person', ref, idNumber: RESIDENT_ID } });
    const bothResponse = await send<ErrorBody>('POST', '/v1/entries', creditKey, both);
    expect(bothResponse.status).toBe(400);
    expect(bothResponse.body.error.code).toBe('INVALID_ENTRY');
    expect(paths(bothResponse.body).some((path) => path.startsWith('payload.subject'))).toBe(true);

    const neither = creditChange({}, { subject: { type: 'person' } });
    const neitherResponse = await send<ErrorBody>('POST', '/v1/entries', creditKey, neither);
    expect(neitherResponse.status).toBe(400);
    expect(neitherResponse.body.error.code).toBe('INVALID_ENTRY');

    for (const id of [both.id, neither.id]) {
      expect((await send('GET', `/v1/entries/${id}`, creditKey)).status).toBe(404);
    }
  });

  const elsewhere: [string, () => Record<string, unknown>, string][] = [
    [
      'inside payload.legalBasis text',
      () => creditChange({}, { legalBasis: `依据身份证号${RESIDENT_ID}的申请` }),
      'payload.legalBasis',
    ],
    [
      'as payload.operator, lower case',
      () => creditChange({}, { operator: RESIDENT_ID.toLowerCase() }),
      'payload.operator',
    ],
    ['in the entry id', () => creditChange({ id: `cc-${RESIDENT_ID}` }), 'id'],
    [
      'as an object key',
      () =>
        creditChange(
          {},
          { subject: { type: 'person', idNumber: RESIDENT_ID, [CREDIT_CODE]: 'x' } },
        ),
      'payload.subject.[redacted]',
    ],
    [
      'as payload.subject.ref',
      () => creditChange({}, { subject: { type: 'person', ref: RESIDENT_ID } }),
      'payload.subject.ref',
    ],
    [
      'as payload.idNumber, outside the subject',
      () => creditChange({}, { idNumber: RESIDENT_ID }),
      'payload.idNumber',
    ],
    [
      'as payload.recordId, a credit code',
      () => creditChange({}, { recordId: CREDIT_CODE }),
      'payload.recordId',
    ],
  ];

  test.each(elsewhere)(
    'a national identifier %s is refused with PERSONAL_DATA',
    async (_label, build, path) => {
      const request = build();
      const response = await send<ErrorBody>('POST', '/v1/entries', creditKey, request);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('PERSONAL_DATA');
      expect(paths(response.body)).toContain(path);
    },
  );

  test('a national identifier in a data-access entry is refused with PERSONAL_DATA', async () => {
    const response = await send<ErrorBody>(
      'POST',
      '/v1/entries',
      gateway.keys['sandbox-writer'],
      dataAccess({}, { sessionId: `sess-${CREDIT_CODE}` }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('PERSONAL_DATA');
    expect(paths(response.body)).toEqual(['payload.sessionId']);
  });

  test('idNumber is only allowed in a credit-change subject: elsewhere it is PERSONAL_DATA', async () => {
    const response = await send<ErrorBody>(
      'POST',
      '/v1/entries',
      gateway.keys['sandbox-writer'],
      dataAccess({}, { subject: { type: 'person', idNumber: RESIDENT_ID } }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('PERSONAL_DATA');
    expect(paths(response.body)).toEqual(['payload.subject.idNumber']);
  });

  test('no response so far carried a number', () => {
    expect(needlesIn(seen.join('\n'))).toEqual([]);
    expect(needlesIn(gateway.logs.join('\n'))).toEqual([]);
  });
});

describe('national identifiers never reach the disk, the logs or a response', () => {
  let gateway: TestGateway;
  let dataDir: string;

  beforeAll(async () => {
    // A folder of the test's own, so that it outlives the gateway's close and can be read shut.
    dataDir = await mkdtemp(join(tmpdir(), 'audit-personal-data-'));
    gateway = await startTestGateway({ DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('after accepted and refused writes, no file under the data folder holds a number', async () => {
    const seen: string[] = [];
    const send = client(gateway, seen);
    const creditKey = gateway.keys['credit-writer'];
    const sandboxKey = gateway.keys['sandbox-writer'];
    const regulatorKey = gateway.keys.regulator;

    // Accepted: every spelling, single and batched, people and organisations.
    const accepted: string[] = [];
    const subjects = [
      ...PERSON_FORMS.map((idNumber) => ({ type: 'person', idNumber })),
      ...ORGANIZATION_FORMS.map((idNumber) => ({ type: 'organization', idNumber })),
    ];
    for (const subject of subjects) {
      const request = creditChange({}, { subject });
      const response = await send<RecordedEntry>('POST', '/v1/entries', creditKey, request);
      expect(response.status).toBe(201);
      accepted.push(request.id);
    }
    const batch = await send<BatchBody>('POST', '/v1/entries/batch', creditKey, {
      entries: [
        creditChange({}, personSubject(RESIDENT_ID)),
        creditChange({}, { subject: { type: 'organization', idNumber: CREDIT_CODE } }),
        creditChange({}, { legalBasis: OTHER_RESIDENT_ID }),
      ],
    });
    expect(batch.body.results.map((result) => result.status)).toEqual([201, 201, 400]);

    // Verified with the raw number, listed by stream, read back.
    const [firstId] = accepted;
    expect(firstId).toBeDefined();
    const verify = await send<{ verified: boolean }>('POST', '/v1/verify', regulatorKey, {
      kind: 'credit-change',
      id: firstId,
      payload: creditChangePayload(personSubject(RESIDENT_ID.toLowerCase())),
    });
    expect(verify.body.verified).toBe(true);
    const ref = await expectedRef(gateway, RESIDENT_ID);
    const listed = await send<{ items: LedgerEntry[] }>(
      'GET',
      `/v1/entries?stream=${encodeURIComponent(`subject:${ref}`)}`,
      regulatorKey,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items.length).toBeGreaterThanOrEqual(5);

    // Refused: in the wrong place, invalid, by the wrong role, in a verify request.
    const refused: [string, unknown][] = [
      [creditKey, creditChange({}, { legalBasis: `身份证${RESIDENT_ID}` })],
      [creditKey, creditChange({}, { operator: CREDIT_CODE.toLowerCase() })],
      [creditKey, creditChange({ id: `cc-${OTHER_RESIDENT_ID}` })],
      [creditKey, creditChange({}, { [RESIDENT_ID]: 'key' })],
      [creditKey, creditChange({}, personSubject(BAD_CHECK_DIGIT))],
      [
        creditKey,
        creditChange({}, { subject: { type: 'person', ref, idNumber: OTHER_RESIDENT_ID } }),
      ],
      [sandboxKey, creditChange({}, personSubject(RESIDENT_ID))],
      [regulatorKey, creditChange({}, personSubject(CREDIT_CODE))],
      [sandboxKey, dataAccess({}, { reason: RESIDENT_ID, outcome: 'denied' })],
      [creditKey, { kind: 'credit-change', payload: personSubject(RESIDENT_ID) }],
      [creditKey, creditChange({ sourceSeq: 0 }, personSubject(RESIDENT_ID))],
    ];
    for (const [key, body] of refused) {
      const response = await send('POST', '/v1/entries', key, body);
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    const refusedVerify = await send('POST', '/v1/verify', regulatorKey, {
      kind: 'credit-change',
      id: firstId,
      payload: creditChangePayload({ ...personSubject(RESIDENT_ID), operator: RESIDENT_ID }),
    });
    expect(refusedVerify.status).toBe(400);
    const badJson = await gateway.request('POST', '/v1/entries', {
      key: creditKey,
      rawBody: `{"id": "${RESIDENT_ID}", `,
    });
    seen.push(badJson.text);
    expect(badJson.status).toBe(400);

    const open = await rawFiles(gateway.dataDir);
    expect([...open.keys()]).toContain('outbox.sqlite');
    for (const [file, bytes] of open) {
      expect({ file, found: needlesInBytes(bytes) }).toEqual({ file, found: [] });
    }
    // On the embedded ledger the entries themselves are in the data folder: ledger.sqlite with
    // its -wal and -shm files while open. (On Fabric they are in the peers' state databases.)
    if (TEST_LEDGER === 'embedded') {
      const ledgerBytes = Buffer.concat([
        open.get('ledger.sqlite') ?? Buffer.alloc(0),
        open.get('ledger.sqlite-wal') ?? Buffer.alloc(0),
      ]);
      // The scan does see what is stored: the entry ids are there in clear.
      expect(ledgerBytes.includes(Buffer.from(accepted[0] ?? '?'))).toBe(true);
      // Every cell of every table, decoded, whatever page it sits on.
      const dump = sqliteDump(join(gateway.dataDir, 'ledger.sqlite'));
      expect(dump).toContain(ref);
      expect(needlesIn(dump)).toEqual([]);
    }

    expect(needlesIn(seen.join('\n'))).toEqual([]);
    expect(gateway.logs.length).toBeGreaterThan(20);
    expect(needlesIn(gateway.logs.join('\n'))).toEqual([]);

    // Closed: each write-ahead log is checkpointed into its database.
    await gateway.close();
    const closed = await rawFiles(gateway.dataDir);
    if (TEST_LEDGER === 'embedded') {
      expect((await stat(join(gateway.dataDir, 'ledger.sqlite'))).size).toBeGreaterThan(0);
    }
    for (const [file, bytes] of closed) {
      expect({ file, found: needlesInBytes(bytes) }).toEqual({ file, found: [] });
    }
    expect(needlesIn(gateway.logs.join('\n'))).toEqual([]);
  });
});

describe('identifiers in the other spellings the hardening review found', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway.close();
  });

  test.each([
    ...spellings(RESIDENT_ID).map(([spelling, text]) => [`a resident number ${spelling}`, text]),
    ...spellings(OTHER_RESIDENT_ID).map(([spelling, text]) => [
      `a resident number of digits alone ${spelling}`,
      text,
    ]),
    ...spellings(CREDIT_CODE).map(([spelling, text]) => [`a credit code ${spelling}`, text]),
  ])('%s is refused with PERSONAL_DATA in free text and as an id', async (_label, text) => {
    const key = gateway.keys['sandbox-writer'];
    const inText = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key,
      body: dataAccess({}, { sessionId: text }),
    });
    expect(inText.status).toBe(400);
    expect(inText.body.error.code).toBe('PERSONAL_DATA');
    expect(paths(inText.body)).toEqual(['payload.sessionId']);

    const asId = await gateway.request<ErrorBody>('POST', '/v1/entries', {
      key,
      body: dataAccess({ id: text }),
    });
    expect(asId.status).toBe(400);
    expect(asId.body.error.code).toBe('PERSONAL_DATA');
  });

  test.each([
    ['a Cyrillic Ha as the check letter', '11010519491231002\u0425'],
    ['a Greek chi as the check letter', '11010519491231002\u03c7'],
    ['CJK characters between the groups', '110105号19491231号002X'],
    ['variation selectors and fillers between digits', '110105\ufe0f19491231\u3164002X'],
    ['four no-break spaces between the groups', '110105\u00a0\u00a0\u00a0\u00a019491231 002X'],
  ])(
    'a credit subject written with %s gets the same reference as typed plainly',
    async (_label, idNumber) => {
      const written = await gateway.request<RecordedEntry>('POST', '/v1/entries', {
        key: gateway.keys['credit-writer'],
        body: creditChange({}, personSubject(idNumber)),
      });
      expect(written.status, written.text).toBe(201);
      expect((written.body.payload as { subject: { ref: string } }).subject.ref).toBe(
        await expectedRef(gateway, RESIDENT_ID),
      );
    },
  );

  test('a credit subject typed in full-width digits gets the same reference as typed plainly', async () => {
    const fullWidth = RESIDENT_ID.replace(/[0-9A-Z]/g, (char) =>
      String.fromCharCode(char.charCodeAt(0) + 0xfee0),
    );
    const written = await gateway.request<RecordedEntry>('POST', '/v1/entries', {
      key: gateway.keys['credit-writer'],
      body: creditChange({}, personSubject(`${fullWidth.slice(0, 6)}\u200b${fullWidth.slice(6)}`)),
    });
    expect(written.status, written.text).toBe(201);
    expect((written.body.payload as { subject: { ref: string } }).subject.ref).toBe(
      await expectedRef(gateway, RESIDENT_ID),
    );
  });
});

describe('a number sent in a URL, a query or a header', () => {
  let gateway: TestGateway;
  const seen: string[] = [];
  /** The spellings sent below, as sent and as they might be decoded. */
  const SENT = [
    RESIDENT_ID,
    OTHER_RESIDENT_ID,
    CREDIT_CODE,
    '110105号19491231号002X',
    '11010519491231002\u0425',
    `${OTHER_RESIDENT_ID}${'f'.repeat(14)}`,
  ];

  function leaked(text: string): string[] {
    return [
      ...needlesIn(text),
      ...SENT.filter((form) => text.includes(form) || text.includes(encodeURIComponent(form))),
    ];
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway.close();
  });

  test('is never stored, logged or echoed, whatever answers the request', async () => {
    const regulatorKey = gateway.keys.regulator;
    const sandboxKey = gateway.keys['sandbox-writer'];
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const response = await gateway.request('GET', path, { key: regulatorKey, headers });
      seen.push(response.text, [...response.headers].join('\n'));
      expect(response.status, `${path} answered ${response.text}`).toBeLessThan(500);
      return response;
    };

    for (const form of SENT) {
      const encoded = encodeURIComponent(form);
      // Path segments: not an id, no such entry or operation, no such route.
      for (const path of [
        `/v1/entries/${encoded}`,
        `/v1/operations/${encoded}`,
        `/v1/${encoded}`,
      ]) {
        expect([400, 404]).toContain((await get(path)).status);
      }
      // Query parameters: an index value finds nothing; anything else is not a valid query.
      for (const index of ['stream', 'source', 'approvalRef', 'recordId']) {
        const listed = await get(`/v1/entries?${index}=${encoded}`);
        expect(listed.body, `${index}=${form}`).toEqual({ items: [], nextCursor: null });
      }
      for (const query of [
        `kind=${encoded}`,
        `cursor=${encoded}&kind=data-access`,
        `kind=data-access&from=${encoded}`,
      ]) {
        expect((await get(`/v1/entries?${query}`)).status).toBe(400);
      }
      expect((await get(`/v1/entries?kind=data-access&${encoded}=1`)).status).toBe(400);
    }

    // Headers nobody reads, a write among them: the write is stored, the headers are not.
    const headers = {
      'Idempotency-Key': RESIDENT_ID,
      'X-Request-Id': OTHER_RESIDENT_ID,
      'X-Correlation-Id': CREDIT_CODE,
      'User-Agent': `client/${RESIDENT_ID}`,
      Referer: `https://example.test/people/${RESIDENT_ID}`,
    };
    const written = await gateway.request('POST', '/v1/entries', {
      key: sandboxKey,
      body: dataAccess(),
      headers,
    });
    seen.push(written.text, [...written.headers].join('\n'));
    expect(written.status).toBe(201);
    const queued = await gateway.request<{ id: string }>('POST', '/v1/entries', {
      key: sandboxKey,
      body: dataAccess(),
      headers: { ...headers, Prefer: `respond-async; ref=${RESIDENT_ID}` },
    });
    seen.push(queued.text, [...queued.headers].join('\n'));
    expect(queued.status).toBe(202);
    const operation = await get(`/v1/operations/${queued.body.id}`, headers);
    expect(operation.status).toBe(200);

    // Refused at once, before the outbox: new spellings in a queued write.
    for (const text of ['110105号19491231号002X', `${OTHER_RESIDENT_ID}${'f'.repeat(14)}`]) {
      const refused = await gateway.request<ErrorBody>('POST', '/v1/entries', {
        key: sandboxKey,
        body: dataAccess({}, { sessionId: text }),
        headers: { Prefer: 'respond-async' },
      });
      seen.push(refused.text);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('PERSONAL_DATA');
      expect(paths(refused.body)).toEqual(['payload.sessionId']);
    }

    expect(leaked(seen.join('\n'))).toEqual([]);
    expect(gateway.logs.length).toBeGreaterThan(SENT.length * 10);
    expect(leaked(gateway.logs.join('\n'))).toEqual([]);
    for (const [file, bytes] of await rawFiles(gateway.dataDir)) {
      const text = bytes.toString('utf8');
      expect({ file, found: leaked(text) }).toEqual({ file, found: [] });
    }
    for (const file of await filesUnder(gateway.dataDir)) {
      if (file.endsWith('.sqlite')) {
        expect({ file, found: leaked(sqliteDump(file)) }).toEqual({ file, found: [] });
      }
    }
  });
});
