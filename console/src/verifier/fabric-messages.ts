import * as common from '@hyperledger/fabric-protos/lib/common';
import * as rwset from '@hyperledger/fabric-protos/lib/ledger/rwset';
import * as msp from '@hyperledger/fabric-protos/lib/msp';
import * as proposal from '@hyperledger/fabric-protos/lib/peer/proposal_pb';
import * as proposalResponse from '@hyperledger/fabric-protos/lib/peer/proposal_response_pb';
import * as transaction from '@hyperledger/fabric-protos/lib/peer/transaction_pb';

/**
 * The Fabric messages a proof bundle holds, under the names `@hyperledger/fabric-protos` gives
 * them, without the gRPC services its index also loads (the console calls no peer). The
 * console's build maps the package here.
 */
export { common, msp };
export const ledger = { rwset };
export const peer = { ...proposal, ...proposalResponse, ...transaction };
