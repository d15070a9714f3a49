import { expect } from 'vitest';
import type {
  AuditEntry,
  ContractErrorCode,
  ContractErrorEnvelope,
  EntryPage,
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

export function entriesOf(result: InvokeResult): AuditEntry[] {
  return JSON.parse(payloadOf(result)) as AuditEntry[];
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
