import { describe, expect, test } from 'vitest';
import { standardKinds } from '@audit-ledger/chaincode';
import type { EntriesReceipt } from '../../chaincode/src/index.js';
import { entriesConfirmed } from '../../gateway/src/ledger/entries-confirmed.js';
import type { RecordedEntry } from '../../gateway/src/ledger/ledger.js';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities } from '../support/identities.js';
import { entryOf, payloadOf } from '../support/results.js';
import { algorithmUpload, dataAccess } from '../support/sample-entries.js';

describe('entries confirmed by a receipt', () => {
  test('are rebuilt as stored, and read back where the request does not match the receipt', async () => {
    const ids = await testIdentities();
    const harness = new ContractHarness();
    const [access, upload] = [dataAccess(), algorithmUpload()];
    const requests = [access, upload];
    const receipt = JSON.parse(
      payloadOf(await harness.recordEntries(ids.sandboxWriter, requests)),
    ) as EntriesReceipt;
    const stored = async (id: string): Promise<RecordedEntry> => ({
      ...entryOf(await harness.evaluate(ids.regulator, 'GetEntry', id)),
      blockNumber: 7,
    });
    const [first, second] = await Promise.all(requests.map(({ id }) => stored(id)));

    const readBack: string[] = [];
    const rebuilt = await entriesConfirmed(standardKinds, requests, receipt, 7, (id) => {
      readBack.push(id);
      return stored(id);
    });
    expect(rebuilt).toEqual([first, second]);
    expect(readBack).toEqual([]);

    // Kinds that read the second request differently from the contract: that one is read back.
    const differentlyRead = [access, algorithmUpload({ id: upload.id }, { team: 'another-team' })];
    const mixed = await entriesConfirmed(standardKinds, differentlyRead, receipt, 7, (id) => {
      readBack.push(id);
      return stored(id);
    });
    expect(mixed).toEqual([first, second]);
    expect(readBack).toEqual([upload.id]);
  });
});
