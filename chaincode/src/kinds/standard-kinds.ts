import algorithmUploadV1 from './algorithm-upload/v1';
import approvalDecisionV1 from './approval-decision/v1';
import commitmentCheckV1 from './commitment-check/v1';
import creditChangeV1 from './credit-change/v1';
import creditShareV1 from './credit-share/v1';
import dataAccessV1 from './data-access/v1';
import datasetAdmissionV1 from './dataset-admission/v1';
import entryErasureV1 from './entry-erasure/v1';
import federatedRoundV1 from './federated-round/v1';
import findingClosureV1 from './finding-closure/v1';
import { KindRegistry } from './registry';
import resultExportV1 from './result-export/v1';
import teamAdmissionV1 from './team-admission/v1';

/**
 * The kinds this ledger records, one line per kind version. A new kind or version is a module
 * of its own and one line here; nothing else in the contract, the gateway or the console changes.
 */
export const standardKinds = new KindRegistry([
  dataAccessV1,
  algorithmUploadV1,
  creditChangeV1,
  teamAdmissionV1,
  resultExportV1,
  federatedRoundV1,
  approvalDecisionV1,
  creditShareV1,
  datasetAdmissionV1,
  commitmentCheckV1,
  findingClosureV1,
  entryErasureV1,
]);
