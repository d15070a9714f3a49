// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import Database from 'better-sqlite3';
import {
  decodeErrorEnvelope,
  standardConsortium,
  type Consortium,
  type ContractErrorEnvelope,
  type EntryRequest,
  type Role,
} from '../../chaincode/src/index.js';
// The kinds the gateway's own modules were built with, as a gateway sends entries.
import {
  ENTRY_KEY_PREFIX,
  canonicalJson,
  entryKey,
  standardKinds,
  type Caller,
} from '@audit-ledger/chaincode';
import { ContractRunner } from '../../gateway/src/embedded/contract-runner.js';
import type { TransientData } from '../../gateway/src/embedded/transaction-stub.js';
import { FABRIC_ATTRIBUTES_OID } from '../../gateway/src/identity/x509-identities.js';
import { consortiumReader } from '../../gateway/src/ledger/entry-day-counts.js';
import {
  EntryPostings,
  checkedQuery,
  postedTransaction,
} from '../../gateway/src/ledger/entry-postings.js';
import { entryQueriesOf } from '../../gateway/src/ledger/entry-query.js';
import { LedgerError } from '../../gateway/src/ledger/ledger.js';
import { recordingCall } from '../../gateway/src/ledger/recording-call.js';
import type { TestIdentity } from './identities.js';
import { MemoryWorldState } from './memory-state.js';

export type InvokeResult =
  | { ok: true; payload: string; event: { name: string; payload: string } | undefined }
  | { ok: false; error: ContractErrorEnvelope; message: string };

const CHAINCODE = 'audit';
const queries = entryQueriesOf(standardKinds);

/**
 * Runs the compiled audit contract through fabric-contract-api's own dispatcher, as a peer would: real
 * metadata, real argument marshalling, real ClientIdentity from an X.509 creator. A submitted
 * transaction's writes reach the world state only if it succeeds; each is then a block of its
 * own, posted to a gateway's postings, from which queryEntries and countEntries answer as a
 * gateway does.
 */
export class ContractHarness {
  readonly state = new MemoryWorldState();
  private readonly postings = new EntryPostings(new Database(':memory:'));
  private readonly runner: ContractRunner;
  private transactions = 0;
  private blocks = 0;
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

  /**
   * A page of entries as a gateway answers `query`: checked, found in its postings among what
   * `identity` may read, then read with GetEntries as `identity`. Answers the page as JSON.
   */
  async queryEntries(identity: TestIdentity, query: unknown): Promise<InvokeResult> {
    return this.asGateway(identity, async (reader) => {
      const checked = checkedQuery(queries.page, query);
      const page = this.postings.page(reader, this.consortium, CHAINCODE, checked);
      const read = await this.evaluate(identity, 'GetEntries', canonicalJson(page.entries));
      return read.ok
        ? canonicalJson({ items: JSON.parse(read.payload) as unknown, bookmark: page.bookmark })
        : read;
    });
  }

  /** How many entries of `query`'s partition `identity` may read, as a gateway counts them. */
  async countEntries(identity: TestIdentity, query: unknown): Promise<InvokeResult> {
    return this.asGateway(identity, (reader) => {
      const checked = checkedQuery(queries.count, query);
      return Promise.resolve(
        JSON.stringify(this.postings.count(reader, this.consortium, CHAINCODE, checked)),
      );
    });
  }

  private async asGateway(
    identity: TestIdentity,
    read: (reader: Caller) => Promise<string | InvokeResult>,
  ): Promise<InvokeResult> {
    try {
      const answer = await read(readerOfIdentity(this.consortium, identity));
      return typeof answer === 'string' ? { ok: true, payload: answer, event: undefined } : answer;
    } catch (error) {
      // A refused query; postings here are never behind, so the ledger's own codes never come.
      if (
        !(error instanceof LedgerError) ||
        error.code === 'LEDGER_UNAVAILABLE' ||
        error.code === 'LEDGER_INTEGRITY'
      ) {
        throw error;
      }
      const { code, message, details } = error;
      return { ok: false, error: { code, message, ...(details && { details }) }, message };
    }
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
      const entries = [...simulation.writes].flatMap(([key, write]) =>
        key.startsWith(ENTRY_KEY_PREFIX) && write.kind === 'put' ? [write.value] : [],
      );
      const posted = postedTransaction(
        standardKinds,
        CHAINCODE,
        { entries, keys: simulation.writes.keys() },
        (collection, entry) =>
          this.state.getPrivate(collection, entryKey(entry.id, entry.submitter.mspId)),
      );
      this.postings.addBlock(this.blocks++, () => [posted]);
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

/** The caller an identity's certificate names, as a gateway knows its own principals. */
function readerOfIdentity(consortium: Consortium, identity: TestIdentity): Caller {
  const certificate = new x509.X509Certificate(identity.certificatePem);
  const extension = certificate.getExtension(FABRIC_ATTRIBUTES_OID);
  const { attrs } = JSON.parse(
    extension === null ? '{"attrs":{}}' : Buffer.from(extension.value).toString('utf8'),
  ) as { attrs: Record<string, string | undefined> };
  return consortiumReader(consortium, identity.mspId, {
    name: attrs['hf.EnrollmentID'] ?? '',
    role: attrs['audit.role'] as Role,
  });
}
