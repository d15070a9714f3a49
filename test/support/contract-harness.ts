import { JSONSerializer } from 'fabric-contract-api';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import {
  AuditContract,
  decodeErrorEnvelope,
  type ContractErrorEnvelope,
} from '../../chaincode/src/index.js';
import type { TestIdentity } from './identities.js';
import { MemoryStub, MemoryWorldState } from './memory-stub.js';

export type InvokeResult =
  | { ok: true; payload: string; event: { name: string; payload: string } | undefined }
  | { ok: false; error: ContractErrorEnvelope; message: string };

/**
 * Runs the audit contract through fabric-contract-api's own dispatcher, as a peer would: real
 * metadata, real argument marshalling, real ClientIdentity from an X.509 creator. A submitted
 * transaction's writes reach the world state only if it succeeds.
 */
export class ContractHarness {
  readonly state = new MemoryWorldState();
  private readonly chaincode = new ChaincodeFromContract(
    [AuditContract],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    'audit-ledger',
    'test',
  );
  private transactions = 0;
  /** Seconds since the epoch of the next transaction; each transaction advances it by 1 ms. */
  clock = Date.parse('2026-03-01T08:00:00Z') / 1000;

  submit(identity: TestIdentity, fcn: string, ...args: string[]): Promise<InvokeResult> {
    return this.invoke(identity, fcn, args, true);
  }

  evaluate(identity: TestIdentity, fcn: string, ...args: string[]): Promise<InvokeResult> {
    return this.invoke(identity, fcn, args, false);
  }

  private async invoke(
    identity: TestIdentity,
    fcn: string,
    args: string[],
    commit: boolean,
  ): Promise<InvokeResult> {
    this.transactions += 1;
    const txId = `tx${String(this.transactions).padStart(6, '0')}`;
    const seconds = Math.floor(this.clock);
    const nanos = Math.round((this.clock - seconds) * 1e9);
    this.clock += 0.001;
    const stub = new MemoryStub(this.state, {
      fcn,
      args,
      txId,
      timestamp: { seconds, nanos },
      creator: { mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem) },
    });
    const response = await this.chaincode.Invoke(stub.asChaincodeStub());
    if (response.status !== 200) {
      const message = response.message ?? '';
      const error = decodeErrorEnvelope(message);
      if (error === undefined) {
        throw new Error(`the contract failed without an error envelope: ${message}`);
      }
      return { ok: false, error, message };
    }
    if (commit) {
      this.state.apply(stub.writes);
    }
    const event =
      stub.event === undefined
        ? undefined
        : { name: stub.event.name, payload: Buffer.from(stub.event.payload).toString('utf8') };
    return { ok: true, payload: Buffer.from(response.payload ?? []).toString('utf8'), event };
  }
}
