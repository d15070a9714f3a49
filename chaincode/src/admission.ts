import type { Caller } from './access-policy';
import { MAX_JSON_DEPTH, jsonByteLength, nestsDeeperThan } from './canonical-json';
import { ContractError } from './contract-error';
import type { KindRegistry } from './kinds/registry';
import { findNationalIdentifiers } from './personal-data';
import { formatPath } from './validation';

/** Bound on an entry's JSON (`{kind, kindVersion?, id, sourceSeq?, payload}`), in UTF-8 bytes. */
export const MAX_ENTRY_BYTES = 64 * 1024;

/** A caller whose role may write no kind at all is refused before anything is read. */
export function assertMayWriteSomething(kinds: KindRegistry, caller: Pick<Caller, 'role'>): void {
  if (kinds.writableKinds(caller.role).length === 0) {
    throw new ContractError('FORBIDDEN', `role ${caller.role} may not write entries`);
  }
}

/**
 * What every entry must pass before its schema is even read, in the order a caller can act on:
 * may I write this kind (not asked without a writer, e.g. to verify), is it small and shallow
 * enough, is it free of national identifiers.
 * The contract runs it on every request; the gateway runs it before anything reaches a ledger.
 * `personalDataScope` is what is scanned for identifiers (the gateway leaves out the one field
 * where a raw number may arrive, to be pseudonymised); `path` prefixes the reported paths.
 */
export function checkAdmission(
  kinds: KindRegistry,
  caller: Pick<Caller, 'role'> | undefined,
  raw: unknown,
  path = '',
  personalDataScope: unknown = raw,
): void {
  const named = kinds.namedBy(raw);
  if (caller !== undefined && named !== undefined && !named.writers.includes(caller.role)) {
    throw new ContractError(
      'FORBIDDEN',
      `role ${caller.role} may not write ${named.kind} entries`,
      [{ path: formatPath(path, ['kind']), message: `is not writable by role ${caller.role}` }],
    );
  }
  const where = path === '' ? '$' : path;
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw new ContractError(
      'INVALID_ENTRY',
      `the entry nests deeper than ${MAX_JSON_DEPTH} levels`,
      [{ path: where, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
    );
  }
  const size = jsonByteLength(raw);
  if (size > MAX_ENTRY_BYTES) {
    throw new ContractError(
      'ENTRY_TOO_LARGE',
      `the entry is ${size} bytes; at most ${MAX_ENTRY_BYTES} are accepted`,
      [{ path: where, message: `exceeds ${MAX_ENTRY_BYTES} bytes` }],
    );
  }
  const personal = findNationalIdentifiers(personalDataScope, path);
  if (personal.length > 0) {
    throw new ContractError(
      'PERSONAL_DATA',
      'the entry contains a resident identity number or unified social credit code; send a pseudonym instead',
      personal.map((field) => ({ path: field, message: 'contains a national identifier' })),
    );
  }
}
