import './buffer-global';

/** The command line's offline verifier, run in the browser: texts in, a checklist out. */
export {
  EVIDENCE_FORMAT,
  InputError,
  trustFromText,
  verifyBundleText,
  verifyCheckpointText,
  verifyConsistencyText,
} from '@audit-ledger/verifier';
export type {
  CheckResult,
  EvidenceReport,
  TrustFile,
  VerificationReport,
} from '@audit-ledger/verifier';
