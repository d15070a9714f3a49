import {
  AuditContract,
  standardConsortium,
  standardKinds,
  type Consortium,
  type KindRegistry,
} from '@audit-ledger/chaincode';
import { JSONSerializer } from 'fabric-contract-api';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import type { ChaincodeEvent, Proposal, StateReader } from './transaction-stub';
import { TransactionStub } from './transaction-stub';
import type { PrivateWrites, StateWrite } from './write-set';

export type Simulation =
  | {
      ok: true;
      payload: string;
      /** Public writes by key, in the order first written. */
      writes: Map<string, StateWrite>;
      privateWrites: PrivateWrites;
      event: ChaincodeEvent | undefined;
    }
  | { ok: false; message: string };

/** Runs a transaction's contract over committed state: ContractRunner, or a test's own. */
export interface Simulator {
  simulate(state: StateReader, proposal: Proposal): Promise<Simulation>;
}

/**
 * Runs the audit contract exactly as a Fabric chaincode process does: through
 * fabric-contract-api's dispatcher, with its metadata, argument marshalling and ClientIdentity.
 */
export class ContractRunner implements Simulator {
  private readonly chaincode: ChaincodeFromContract;

  /**
   * Over other kinds or another consortium than the standard ones, the contract a peer would
   * run had it those.
   */
  constructor(
    kinds: KindRegistry = standardKinds,
    private readonly consortium: Consortium = standardConsortium,
  ) {
    // The dispatcher constructs contracts itself, without arguments.
    const contract =
      kinds === standardKinds && consortium === standardConsortium
        ? AuditContract
        : class extends AuditContract {
            constructor() {
              super(kinds, consortium);
            }
          };
    this.chaincode = new ChaincodeFromContract(
      [contract],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'audit-ledger',
      'embedded',
    );
  }

  async simulate(state: StateReader, proposal: Proposal): Promise<Simulation> {
    const stub = new TransactionStub(state, proposal, this.consortium);
    const response = await this.chaincode.Invoke(stub.asChaincodeStub());
    if (response.status !== 200) {
      return { ok: false, message: response.message ?? '' };
    }
    return {
      ok: true,
      payload: Buffer.from(response.payload ?? []).toString('utf8'),
      writes: stub.writes,
      privateWrites: stub.privateWrites,
      event: stub.event,
    };
  }
}
