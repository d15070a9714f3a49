import { expect } from 'vitest';
import {
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
