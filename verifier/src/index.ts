/**
 * The offline verifier: what a proof bundle, a checkpoint and a trust file are, and the checks
 * that let anyone confirm an entry was committed by the consortium without trusting the gateway
 * that handed it over. The gateway builds its bundles, blocks and checkpoints with these same
 * formats; nothing here reads a ledger, opens a connection or touches a file.
 */

// Texts in, a checklist out: what the command line and the console call.
export * from './offline-verification';
export * from './check-report';

// The checks, each usable on its own.
export * from './bundle-checks';
export * from './certificate-trust';
export * from './checkpoint-checks';
export * from './embedded-bundle-checks';
export * from './embedded-signature-checks';
export * from './entry-checks';
export * from './fabric-bundle-checks';
export * from './policy-checks';

// The formats the checks read.
export * from './proof-bundle';
export * from './signed-payloads';
export * from './embedded/block-log';
export * from './fabric/block-contents';
export * from './fabric/block-header';
export * from './fabric/signed-block';
export * from './transparency/block-statement';
export * from './transparency/checkpoint';
export * from './transparency/merkle-tree';
export * from './transparency/packed-hashes';
export * from './transparency/signed-note';
export * from './transparency/trust-file';
