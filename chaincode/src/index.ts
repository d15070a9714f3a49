import { AuditContract } from './audit-contract';

/** What `fabric-chaincode-node` loads: the contracts this chaincode serves. */
export const contracts = [AuditContract];

export { AuditContract, MAX_ENTRIES_PER_TRANSACTION } from './audit-contract';
export { MAX_ENTRY_BYTES, checkAdmission } from './admission';
export {
  ROLES,
  ROLE_ATTRIBUTE,
  assertMayWriteSomething,
  canRead,
  canWrite,
  type Caller,
  type Role,
} from './access-policy';
export {
  ENTRIES_RECORDED_EVENT,
  type AuditEntry,
  type CommitFacts,
  type EntriesRecordedEvent,
  type EntryPage,
  type Submitter,
} from './audit-entry';
export {
  MAX_JSON_DEPTH,
  canonicalJson,
  entryDigest,
  jsonByteLength,
  nestsDeeperThan,
  sha256Digest,
} from './canonical-json';
export { formatTxTimestamp, toLedgerTime } from './commit-time';
export {
  CONTRACT_ERROR_CODES,
  ContractError,
  decodeErrorEnvelope,
  type ContractErrorCode,
  type ContractErrorEnvelope,
  type ErrorDetail,
} from './contract-error';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, entryQuery, type EntryQuery } from './entry-query';
export {
  ACCESS_OUTCOMES,
  ALGORITHM_STATUSES,
  CREDIT_CATEGORIES,
  CREDIT_CHANGES,
  DATA_ACTIONS,
  ENTRY_KINDS,
  SUBJECT_TYPES,
  algorithmUploadPayload,
  creditChangePayload,
  creditChangePayloadOf,
  creditSubject,
  dataAccessPayload,
  entryRequest,
  entryRequestOf,
  streamOf,
  type AlgorithmUploadPayload,
  type CreditChangePayload,
  type DataAccessPayload,
  type EntryKind,
  type EntryRequest,
} from './entry-schemas';
export { ENTRY_KEY_PREFIX, INDEXES, entryKey, entryKeysOf, type IndexName } from './ledger-keys';
export {
  canonicalIdentifier,
  containsNationalIdentifier,
  findNationalIdentifiers,
  isResidentIdNumber,
  isUnifiedSocialCreditCode,
  redactNationalIdentifiers,
} from './personal-data';
export { entryId, identifier, prefixedSha256, pseudonym, timestamp } from './text-schemas';
export { formatPath, issueDetails } from './validation';
