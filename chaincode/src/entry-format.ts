/**
 * What an offline verifier needs from the contract, without the contract: an entry's canonical
 * form, its digest and its state key. The console's verifier is built from this alone.
 */
export { canonicalJson, entryDigest } from './canonical-json';
export { entryKey } from './ledger-keys';
