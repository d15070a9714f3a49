import { describe, expect, test } from 'vitest';
import type { TransactionRecord } from '../../gateway/src/embedded/block-log.js';
import { GENESIS_PREVIOUS_HASH, buildBlock } from '../../gateway/src/embedded/block-log.js';
import type { Principal } from '../../gateway/src/ledger/ledger.js';
import { assertDisclosesOnlyReadable } from '../../gateway/src/proof/block-disclosure.js';
import type { EmbeddedProofMaterial } from '../../gateway/src/proof/proof-bundle.js';
import { RequestError } from '../../gateway/src/request-error.js';

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

/** An entry's proof material whose block holds transactions of these organisations. */
function materialOf(creators: string[]): EmbeddedProofMaterial {
  return {
    format: 'audit-ledger-proof/1',
    ledger: 'embedded',
    channel: 'audit',
    // The disclosure rule reads the block's creators only; the entry is not looked at.
    entry: {} as EmbeddedProofMaterial['entry'],
    canonicalEntry: '{}',
    transactionIndex: 0,
    block: buildBlock(7, GENESIS_PREVIOUS_HASH, creators.map(transactionBy)),
    certificates: {},
    validation: [],
  };
}

const SANDBOX: Principal = { name: 'sandbox-platform', role: 'sandbox-writer' };
const REGULATOR: Principal = { name: 'district-regulator', role: 'regulator' };

function refusal(material: EmbeddedProofMaterial, principal: Principal): RequestError | undefined {
  try {
    assertDisclosesOnlyReadable(material, principal);
    return undefined;
  } catch (error) {
    return error as RequestError;
  }
}

describe('which proof bundles a caller may receive', () => {
  test("a writer receives its entry's block when every transaction in it is its organisation's", () => {
    expect(refusal(materialOf(['SandboxOrg', 'SandboxOrg']), SANDBOX)).toBeUndefined();
  });

  test("a writer is refused a block that also holds another organisation's transaction", () => {
    const refused = refusal(materialOf(['SandboxOrg', 'CreditOrg']), SANDBOX);
    expect(refused).toBeInstanceOf(RequestError);
    expect(refused?.code).toBe('PROOF_WITHHELD');
    expect(refused?.message).toContain('1 transaction(s) of other organisations');
  });

  test('a regulator receives any block', () => {
    expect(refusal(materialOf(['SandboxOrg', 'CreditOrg', 'RegulatorOrg']), REGULATOR)).toBe(
      undefined,
    );
  });
});
