import { AuditContract } from './audit-contract';

/** What `fabric-chaincode-node` loads: the contracts this chaincode serves. */
export const contracts = [AuditContract];

export { AuditContract, MAX_ENTRIES_PER_TRANSACTION, MAX_PAGE_SIZE } from './audit-contract';
export { MAX_ENTRY_BYTES, assertMayWriteSomething, checkAdmission } from './admission';
export { canRead, type Caller } from './access-policy';
export {
  CREDIT_DETAILS_COLLECTION,
  MSP_ID,
  defineConsortium,
  grantsRole,
  holdsCollection,
  organizationGranting,
  peerOrganizations,
  standardConsortium,
  type Consortium,
  type ConsortiumMember,
  type PrivateCollection,
} from './consortium';
export { ROLES, ROLE_ATTRIBUTE, type Role } from './roles';
export {
  PSEUDONYM_KEY_SETTING,
  holdsPseudonymKey,
  pseudonymKeyFingerprint,
  pseudonymKeyHolders,
  pseudonymKeyRecord,
  type PseudonymKeyRecord,
} from './pseudonym-key';
export {
  ENTRIES_RECORDED_EVENT,
  ERASURE_KIND,
  isErased,
  type AuditEntry,
  type ChannelRecord,
  type CommitFacts,
  type DetailsReference,
  type EntriesRecordedEvent,
  type EntryDetails,
  type EntryPage,
  type ErasedEntry,
  type ErasureMark,
  type ReadEntry,
  type Submitter,
} from './audit-entry';
export { DETAILS_TRANSIENT_FIELD, RETENTION_GROUPS_TRANSIENT_FIELD } from './entry-details';
export { channelForm, detailsSha256 } from './channel-form';
export {
  MAX_JSON_DEPTH,
  canonicalJson,
  entryDigest,
  jsonByteLength,
  nestsDeeperThan,
  sha256Digest,
} from './canonical-json';
export { formatTxTimestamp, toLedgerTime } from './commit-time';
export { entriesFromReceipt, type EntriesReceipt } from './entry-receipt';
export {
  CONTRACT_ERROR_CODES,
  ContractError,
  decodeErrorEnvelope,
  type ContractErrorCode,
  type ContractErrorEnvelope,
  type ErrorDetail,
} from './contract-error';
export {
  SUBJECT_TYPES,
  creditSubject,
  defineKindVersion,
  type CreditSubject,
  type KindTitle,
  type KindVersion,
  type KindVersionDefinition,
} from './kinds/kind-version';
export {
  CORE_INDEXES,
  KindRegistry,
  LEDGER_FORM,
  type EntryRequest,
  type ParsedRequest,
  type RequestForm,
} from './kinds/registry';
export { standardKinds } from './kinds/standard-kinds';
export { ENTRY_KEY_PREFIX, entryErasedBy, entryKey, entryKeysOf } from './ledger-keys';
export {
  canonicalIdentifier,
  containsNationalIdentifier,
  findNationalIdentifiers,
  isResidentIdNumber,
  isUnifiedSocialCreditCode,
  redactNationalIdentifiers,
} from './personal-data';
export {
  entryId,
  freeText,
  identifier,
  prefixedSha256,
  pseudonym,
  sha256Hex,
  timestamp,
} from './text-schemas';
export { formatPath, issueDetails } from './validation';
