import { createRequire } from 'node:module';
import { KindRegistry, standardKinds, type KindVersion } from '@audit-ledger/chaincode';

const requireModule = createRequire(__filename);

/**
 * The kinds a ledger records: the standard ones, and those a CommonJS module exports as
 * `kindVersions` (an embedded ledger piloting a kind of its own before it joins the chaincode).
 * Loaded alike by the gateway and its commit thread, so both run the contract over the same
 * kinds.
 */
export function loadKinds(kindsModule: string | undefined): KindRegistry {
  if (kindsModule === undefined) {
    return standardKinds;
  }
  const { kindVersions } = requireModule(kindsModule) as { kindVersions?: unknown };
  if (!Array.isArray(kindVersions)) {
    throw new Error(`${kindsModule} exports no kindVersions (an array of defineKindVersion's)`);
  }
  return new KindRegistry([...standardKinds.versions, ...(kindVersions as KindVersion[])]);
}
