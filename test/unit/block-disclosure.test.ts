import { describe, expect, test } from 'vitest';
import type { TransactionRecord } from '../../verifier/src/embedded/block-log.js';
import { GENESIS_PREVIOUS_HASH, buildBlock } from '../../verifier/src/embedded/block-log.js';
import type { Principal } from '../../gateway/src/ledger/ledger.js';
import { disclosedTo } from '../../gateway/src/proof/block-disclosure.js';
import type { EmbeddedProofBundle } from '../../verifier/src/proof-bundle.js';
import { RequestError } from '../../gateway/src/services/request-error.js';

function transactionBy(mspId: string, index: number): TransactionRecord {
  return {
    txId: `tx-${index}`,
    timestamp: '2026-03-01T08:00:00.000000000Z',
    creator: { mspId, certificateSha256: '00'.repeat(32) },
    fcn: 'RecordEntry',
    argsSha256: '00'.repeat(32),
    writes: [],
    creatorSignature: '',
    endorsements: [],
  };
}

/** An entry's proof bundle whose block holds transactions of these organisations. */
function bundleOf(creators: string[]): EmbeddedProofBundle {
  return {
    format: 'audit-ledger-proof/1',
    ledger: 'embedded',
    channel: 'audit',
    // The disclosure rule reads the block's creators only; the entry is not looked at.
    entry: {} as EmbeddedProofBundle['entry'],
    canonicalEntry: '{}',
    transactionIndex: 0,
    block: buildBlock(7, GENESIS_PREVIOUS_HASH, creators.map(transactionBy)),
    certificates: {},
    validation: [],
    checkpoint: { note: '', size: 8, inclusion: [] },
  };
}

const SANDBOX: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };
const REGULATOR: Principal = { name: 'district-regulator', role: 'regulator' };

/** What a caller is given: the bundle itself, or the refusal. */
function given(bundle: EmbeddedProofBundle, principal: Principal) {
  // No reduction to one transaction here: the embedded ledger's blocks hold one each.
  return disclosedTo(principal, bundle, undefined).catch((error: unknown) => error);
}

describe('which proof bundles a caller may receive', () => {
  test("a writer receives its entry's block when every transaction in it is its organisation's", async () => {
    const bundle = bundleOf(['SandboxOrg', 'SandboxOrg']);
    expect(await given(bundle, SANDBOX)).toBe(bundle);
  });

  test("a writer is refused a block that also holds another organisation's transaction, where it cannot be reduced", async () => {
    const refused = await given(bundleOf(['SandboxOrg', 'CreditOrg']), SANDBOX);
    expect(refused).toBeInstanceOf(RequestError);
    expect((refused as RequestError).code).toBe('PROOF_WITHHELD');
    expect((refused as RequestError).message).toContain('1 transaction(s) of other organisations');
  });

  test('a regulator receives any block', async () => {
    const bundle = bundleOf(['SandboxOrg', 'CreditOrg', 'RegulatorOrg']);
    expect(await given(bundle, REGULATOR)).toBe(bundle);
  });
});
