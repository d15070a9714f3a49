/**
 * What an offline verifier needs from the contract, without the contract: an entry's canonical
 * form, its digest, its state key, and the channel's form of one whose details are private. The
 * console's verifier is built from this alone.
 */
export { canonicalJson, entryDigest } from './canonical-json';
export { entryKey } from './ledger-keys';
export { channelForm, detailsSha256 } from './channel-form';
export { isErased, type ReadEntry } from './audit-entry';
