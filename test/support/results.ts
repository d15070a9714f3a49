import { expect } from 'vitest';
import { canonicallyOrdered } from '../../chaincode/src/canonical-json.js';
import {
  detailsSha256,
  entriesFromReceipt,
  standardKinds,
  type AuditEntry,
  type ContractErrorCode,
  type ContractErrorEnvelope,
  type EntriesReceipt,
  type EntryPage,
} from '../../chaincode/src/index.js';
import type { InvokeResult } from './contract-harness.js';

export function payloadOf(result: InvokeResult): string {
  if (!result.ok) {
    throw new Error(`expected success, got ${result.message}`);
  }
  return result.payload;
}

export function entryOf(result: InvokeResult): AuditEntry {
  return JSON.parse(payloadOf(result)) as AuditEntry;
}

/**
 * The entry a `RecordEntry` answer confirms, whole: the answer for a kind whose details are held
 * privately is the channel's record, to which the request's payload and stream are put back once
 * they match the record's hash of them, as a gateway reading the details would see it.
 */
export function recordedEntryOf(
  result: InvokeResult,
  request: { kind: string; kindVersion?: number; payload: Record<string, unknown> },
): AuditEntry {
  return wholeEntryAnswered(payloadOf(result), request);
}

/** recordedEntryOf for the answer's text, as a client on the network receives it. */
export function wholeEntryAnswered(
  answered: string,
  request: { kind: string; kindVersion?: number; payload: Record<string, unknown> },
): AuditEntry {
  const answer = JSON.parse(answered) as AuditEntry;
  if (answer.details === undefined) {
    return answer;
  }
  const details = {
    payload: canonicallyOrdered(request.payload),
    stream: standardKinds.streamOf({ ...request, kindVersion: request.kindVersion ?? 1 }),
  };
  expect(answer.details.sha256, 'the record hashes the details sent').toBe(detailsSha256(details));
  expect(answer, 'the answer holds no details').not.toHaveProperty('payload');
  return { ...answer, ...details };
}

/** The entries a `RecordEntries` receipt confirms, rebuilt from the requests sent, as a gateway does. */
export function entriesConfirmedBy(receipt: string, requests: readonly unknown[]): AuditEntry[] {
  const entries = entriesFromReceipt(
    standardKinds,
    requests,
    JSON.parse(receipt) as EntriesReceipt,
  );
  const confirmed = entries.filter((entry): entry is AuditEntry => entry !== undefined);
  expect(confirmed, 'the receipt confirms every entry sent').toHaveLength(requests.length);
  return confirmed;
}

export function entriesOf(result: InvokeResult, requests: readonly unknown[]): AuditEntry[] {
  return entriesConfirmedBy(payloadOf(result), requests);
}

export function pageOf(result: InvokeResult): EntryPage {
  return JSON.parse(payloadOf(result)) as EntryPage;
}

export function errorOf(result: InvokeResult, code: ContractErrorCode): ContractErrorEnvelope {
  if (result.ok) {
    throw new Error(`expected ${code}, got success: ${result.payload}`);
  }
  expect(result.error.code).toBe(code);
  return result.error;
}

export function detailPaths(error: ContractErrorEnvelope): string[] {
  return (error.details ?? []).map((detail) => detail.path);
}
