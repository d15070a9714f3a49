import type { Principal } from '../ledger/ledger';
import type { ProofMaterial } from '@audit-ledger/verifier';

/** A ledger that can hand out the signed material proving one of its entries. */
export interface ProofSource {
  /** NOT_FOUND as for getEntry, so hidden entries cannot be probed. */
  proofOf(principal: Principal, id: string): Promise<ProofMaterial>;
}
