import type { ComplianceRule } from './rule';
import accessWithoutAdmissionV1 from './rules/access-without-admission/v1';
import algorithmBeforeApprovalV1 from './rules/algorithm-before-approval/v1';
import commitmentOverdueV1 from './rules/commitment-overdue/v1';
import exportWithoutReviewV1 from './rules/export-without-review/v1';
import roundDatasetNotAdmittedV1 from './rules/round-dataset-not-admitted/v1';
import shareWithoutLegalBasisV1 from './rules/share-without-legal-basis/v1';
import sourceSequenceGapV1 from './rules/source-sequence-gap/v1';

/**
 * The compliance rules every gateway evaluates, one line per rule version. A new rule or version
 * is a module of its own and one line here; a version's findings keep the version that raised them.
 */
export const standardRules: readonly ComplianceRule[] = [
  accessWithoutAdmissionV1,
  exportWithoutReviewV1,
  roundDatasetNotAdmittedV1,
  algorithmBeforeApprovalV1,
  shareWithoutLegalBasisV1,
  commitmentOverdueV1,
  sourceSequenceGapV1,
];
