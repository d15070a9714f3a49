import {
  decodeErrorEnvelope,
  standardConsortium,
  type Consortium,
  type ContractErrorEnvelope,
  type EntryRequest,
} from '../../chaincode/src/index.js';
// The kinds the gateway's own modules were built with, as a gateway sends entries.
import { standardKinds } from '@audit-ledger/chaincode';
import { ContractRunner } from '../../gateway/src/embedded/contract-runner.js';
import type { TransientData } from '../../gateway/src/embedded/transaction-stub.js';
import { recordingCall } from '../../gateway/src/ledger/recording-call.js';
import type { TestIdentity } from './identities.js';
import { MemoryWorldState } from './memory-state.js';

export type InvokeResult =
  | { ok: true; payload: string; event: { name: string; payload: string } | undefined }
  | { ok: false; error: ContractErrorEnvelope; message: string };

/**
 * Runs the compiled audit contract through fabric-contract-api's own dispatcher, as a peer would: real
 * metadata, real argument marshalling, real ClientIdentity from an X.509 creator. A submitted
 * transaction's writes reach the world state only if it succeeds.
 */
export class ContractHarness {
  readonly state = new MemoryWorldState();
  private readonly runner: ContractRunner;
  private transactions = 0;
  /** Seconds since the epoch of the next transaction; each transaction advances it by 1 ms. */
  clock = Date.parse('2026-03-01T08:00:00Z') / 1000;

  /** The standard contract, or one run by another consortium. */
  constructor(private readonly consortium: Consortium = standardConsortium) {
    // The runner's own standard kinds: it loads the compiled contract, not these sources.
    this.runner = new ContractRunner(undefined, consortium);
  }

  submit(identity: TestIdentity, fcn: string, ...args: string[]): Promise<InvokeResult> {
    return this.invoke(identity, fcn, args, true);
  }

  /**
   * RecordEntry as a gateway sends it: a private kind's payload in the transient field. `request`
   * is sent as it is (it may be malformed), its payload moved only when it names such a kind.
   */
  recordEntry(identity: TestIdentity, request: unknown): Promise<InvokeResult> {
    const call = recordingCall(standardKinds, this.consortium, [request as EntryRequest], true);
    return this.invoke(identity, 'RecordEntry', [call.argument], true, call.transient);
  }

  /**
   * RecordEntries as a gateway sends it (see recordEntry), with `groups` listing the earlier
   * entries of the retention group a request ends, by request index.
   */
  recordEntries(
    identity: TestIdentity,
    requests: readonly unknown[],
    groups: ReadonlyMap<number, string[]> = new Map(),
  ): Promise<InvokeResult> {
    const call = recordingCall(
      standardKinds,
      this.consortium,
      requests as EntryRequest[],
      false,
      groups,
    );
    return this.invoke(identity, 'RecordEntries', [call.argument], true, call.transient);
  }

  evaluate(identity: TestIdentity, fcn: string, ...args: string[]): Promise<InvokeResult> {
    return this.invoke(identity, fcn, args, false);
  }

  private async invoke(
    identity: TestIdentity,
    fcn: string,
    args: string[],
    commit: boolean,
    transient?: TransientData,
  ): Promise<InvokeResult> {
    this.transactions += 1;
    const txId = `tx${String(this.transactions).padStart(6, '0')}`;
    const seconds = Math.floor(this.clock);
    const nanos = Math.round((this.clock - seconds) * 1e9);
    this.clock += 0.001;
    const simulation = await this.runner.simulate(this.state, {
      channel: 'audit',
      fcn,
      args,
      txId,
      timestamp: { seconds, nanos },
      creator: { mspid: identity.mspId, idBytes: Buffer.from(identity.certificatePem) },
      transient,
    });
    if (!simulation.ok) {
      const error = decodeErrorEnvelope(simulation.message);
      if (error === undefined) {
        throw new Error(`the contract failed without an error envelope: ${simulation.message}`);
      }
      return { ok: false, error, message: simulation.message };
    }
    if (commit) {
      this.state.apply(simulation.writes, simulation.privateWrites);
    }
    const { event } = simulation;
    return {
      ok: true,
      payload: simulation.payload,
      event:
        event === undefined
          ? undefined
          : { name: event.name, payload: Buffer.from(event.payload).toString('utf8') },
    };
  }
}
