import type { ProofBundle } from './proof-bundle';
import type { TrustFile } from './transparency/trust-file';
import { fail, type CheckResult } from './check-report';
import { checkEmbeddedBundle } from './embedded-bundle-checks';
import { checkFabricBundle } from './fabric-bundle-checks';

/**
 * Every check a regulator needs to believe one entry, offline, against the trust file: each
 * failure names its reason. A bundle is checked against the trust of the ledger that made it.
 */
export function checkBundle(bundle: ProofBundle, trust: TrustFile): CheckResult[] {
  if (bundle.ledger !== trust.ledger || bundle.channel !== trust.channel) {
    return [
      fail(
        'ledger',
        `the bundle comes from the ${bundle.ledger} ledger's channel ${bundle.channel}; the trust file is for the ${trust.ledger} ledger's ${trust.channel}`,
        'LEDGER_MISMATCH',
      ),
    ];
  }
  return bundle.ledger === 'fabric'
    ? checkFabricBundle(bundle, trust)
    : checkEmbeddedBundle(bundle, trust);
}
