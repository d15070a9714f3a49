import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalJson } from '@audit-ledger/chaincode';
import type { LedgerQuery, Principal } from '../ledger/ledger';
import { RequestError } from './request-error';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What a cursor is good for: the one caller and the one query it was issued to. */
export type CursorScope = Principal & Omit<LedgerQuery, 'pageSize' | 'bookmark'>;

/**
 * Opaque page cursors: the ledger's bookmark (a commit position: commit time, transaction id,
 * place in the batch) sealed with AES-256-GCM under the gateway's own key, authenticated
 * together with the caller and the query. A cursor reveals nothing, and works for no one and nothing else.
 */
export class QueryCursors {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) {
      throw new Error('the cursor key must be 32 bytes');
    }
  }

  seal(bookmark: string, scope: CursorScope): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(scopeBytes(scope));
    const sealed = Buffer.concat([cipher.update(bookmark, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The bookmark inside `cursor`, or 400 INVALID_QUERY when it was not issued for this scope. */
  open(cursor: string, scope: CursorScope): string {
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length < NONCE_BYTES + TAG_BYTES) {
      throw invalidCursor();
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(scopeBytes(scope));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw invalidCursor();
    }
  }
}

function scopeBytes(scope: CursorScope): Buffer {
  const { name, role, by, value, from, to } = scope;
  return Buffer.from(canonicalJson({ name, role, by, value, from: from ?? null, to: to ?? null }));
}

function invalidCursor(): RequestError {
  return new RequestError('INVALID_QUERY', 'the cursor was not issued for this query', [
    { path: 'cursor', message: 'is not a cursor this gateway issued for this caller and query' },
  ]);
}
