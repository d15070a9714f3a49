import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LedgerEntry, RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { startTestGateway, type ErrorBody, type TestGateway } from '../support/gateway-server.js';
import {
  RESIDENT_ID,
  algorithmUpload,
  algorithmUploadPayload,
  creditChange,
  creditChangePayload,
  dataAccess,
} from '../support/sample-entries.js';

interface VerifyBody {
  verified: boolean;
  reason?: string;
  message?: string;
  entry?: LedgerEntry;
}

/** The same JSON value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(reversedKeys);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, item]) => [key, reversedKeys(item)]),
    );
  }
  return value;
}

async function record(gateway: TestGateway, key: string, request: unknown): Promise<RecordedEntry> {
  const response = await gateway.request<RecordedEntry>('POST', '/v1/entries', {
    key,
    body: request,
  });
  expect(response.status).toBe(201);
  return response.body;
}

async function verify(gateway: TestGateway, key: string, body: unknown) {
  return gateway.request<VerifyBody>('POST', '/v1/verify', { key, body });
}

describe('POST /v1/verify', () => {
  let gateway: TestGateway;
  let sandboxKey: string;
  let creditKey: string;
  let regulatorKey: string;

  beforeAll(async () => {
    gateway = await startTestGateway();
    sandboxKey = gateway.keys['sandbox-writer'];
    creditKey = gateway.keys['credit-writer'];
    regulatorKey = gateway.keys.regulator;
  });

  afterAll(async () => {
    await gateway.close();
  });

  test('the exact payload is verified, whatever its key order', async () => {
    const request = dataAccess();
    const entry = await record(gateway, sandboxKey, request);

    const exact = await verify(gateway, sandboxKey, request);
    expect(exact.status).toBe(200);
    expect(exact.body.verified).toBe(true);
    expect(exact.body.reason).toBeUndefined();
    expect(exact.body.entry).toEqual(entry);

    const reordered = await verify(gateway, sandboxKey, reversedKeys(request));
    expect(JSON.stringify(reversedKeys(request))).not.toBe(JSON.stringify(request));
    expect(reordered.status).toBe(200);
    expect(reordered.body.verified).toBe(true);
  });

  test('each kind verifies', async () => {
    const algorithm = algorithmUpload();
    await record(gateway, sandboxKey, algorithm);
    expect((await verify(gateway, sandboxKey, algorithm)).body.verified).toBe(true);

    const credit = creditChange();
    await record(gateway, creditKey, credit);
    expect((await verify(gateway, creditKey, credit)).body.verified).toBe(true);
  });

  test('a credit change written with an idNumber verifies with the raw number or with its ref', async () => {
    const request = creditChange({}, { subject: { type: 'person', idNumber: RESIDENT_ID } });
    const entry = await record(gateway, creditKey, request);
    const { subject } = entry.payload as { subject: { ref: string } };

    for (const idNumber of [RESIDENT_ID, RESIDENT_ID.toLowerCase(), '110105-19491231-002x']) {
      const withNumber = await verify(gateway, creditKey, {
        ...request,
        payload: creditChangePayload({ subject: { type: 'person', idNumber } }),
      });
      expect(withNumber.status).toBe(200);
      expect(withNumber.body.verified).toBe(true);
      expect(withNumber.text).not.toContain(RESIDENT_ID);
    }

    const withRef = await verify(gateway, regulatorKey, {
      ...request,
      payload: creditChangePayload({ subject: { type: 'person', ref: subject.ref } }),
    });
    expect(withRef.body.verified).toBe(true);

    const otherPerson = await verify(gateway, creditKey, {
      ...request,
      payload: creditChangePayload({ subject: { type: 'person', idNumber: '110105198001011238' } }),
    });
    expect(otherPerson.body).toMatchObject({ verified: false, reason: 'DIGEST_MISMATCH' });
  });

  test('a tampered payload that breaks the schema is a verdict, not a 400, when the id exists', async () => {
    const request = dataAccess();
    const entry = await record(gateway, sandboxKey, request);
    const broken = { ...request, payload: { ...request.payload, action: 'exfiltrate' } };
    const response = await verify(gateway, sandboxKey, broken);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ verified: false, reason: 'DIGEST_MISMATCH' });
    expect(response.body.entry).toEqual(entry);

    const otherKind = await verify(gateway, sandboxKey, { ...broken, kind: 'credit-change' });
    expect(otherKind.body).toMatchObject({ verified: false, reason: 'KIND_MISMATCH' });
    const unknownId = await verify(gateway, sandboxKey, { ...broken, id: `${request.id}-x` });
    expect(unknownId.body).toMatchObject({ verified: false, reason: 'NOT_FOUND' });
    // Without an id there is nothing to compare with: the request itself is invalid.
    const { id: _id, ...withoutId } = broken;
    expect((await verify(gateway, sandboxKey, withoutId)).status).toBe(400);
  });

  test('one changed character is DIGEST_MISMATCH', async () => {
    const request = dataAccess();
    const entry = await record(gateway, sandboxKey, request);
    const changed = {
      ...request,
      payload: { ...request.payload, actor: { ...request.payload.actor, user: 'analyst-08' } },
    };
    const response = await verify(gateway, sandboxKey, changed);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ verified: false, reason: 'DIGEST_MISMATCH' });
    expect(response.body.entry).toEqual(entry);

    const changedTime = await verify(gateway, sandboxKey, {
      ...request,
      payload: { ...request.payload, occurredAt: '2026-03-01T07:59:58.126+08:00' },
    });
    expect(changedTime.body).toMatchObject({ verified: false, reason: 'DIGEST_MISMATCH' });
  });

  test('the same payload under another kind is KIND_MISMATCH', async () => {
    const request = dataAccess();
    await record(gateway, sandboxKey, request);
    const response = await verify(gateway, sandboxKey, {
      kind: 'algorithm-upload',
      id: request.id,
      payload: algorithmUploadPayload(),
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ verified: false, reason: 'KIND_MISMATCH' });
  });

  test('an unknown id is NOT_FOUND', async () => {
    const response = await verify(gateway, regulatorKey, dataAccess({ id: 'never-recorded-1' }));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ verified: false, reason: 'NOT_FOUND' });
    expect(response.body.entry).toBeUndefined();
  });

  test('a regulator verifies entries of every organisation', async () => {
    const sandbox = dataAccess();
    const credit = creditChange();
    await record(gateway, sandboxKey, sandbox);
    await record(gateway, creditKey, credit);
    expect((await verify(gateway, regulatorKey, sandbox)).body.verified).toBe(true);
    expect((await verify(gateway, regulatorKey, credit)).body.verified).toBe(true);
  });

  test('a writer of another organisation gets NOT_FOUND, even for the wrong kind or payload', async () => {
    const sandbox = dataAccess();
    const credit = creditChange();
    await record(gateway, sandboxKey, sandbox);
    await record(gateway, creditKey, credit);

    for (const [key, request] of [
      [creditKey, sandbox],
      [sandboxKey, credit],
    ] as const) {
      const response = await verify(gateway, key, request);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        verified: false,
        reason: 'NOT_FOUND',
        message: expect.any(String) as unknown,
      });
    }
    const wrongKind = await verify(gateway, creditKey, {
      kind: 'credit-change',
      id: sandbox.id,
      payload: creditChangePayload(),
    });
    expect(wrongKind.body).toMatchObject({ verified: false, reason: 'NOT_FOUND' });
    expect(wrongKind.body.entry).toBeUndefined();
  });

  test('an invalid request is 400 INVALID_ENTRY, not a verdict', async () => {
    const { id: _id, ...withoutId } = dataAccess();
    const response = await gateway.request<ErrorBody>('POST', '/v1/verify', {
      key: sandboxKey,
      body: withoutId,
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_ENTRY');
  });
});
