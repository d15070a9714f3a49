import { beforeAll, describe, expect, test } from 'vitest';
import { identifier } from '../../chaincode/src/text-schemas.js';
import { ContractHarness } from '../support/contract-harness.js';
import { testIdentities, type TestIdentities } from '../support/identities.js';
import { entryOf, errorOf, pageOf } from '../support/results.js';
import { dataAccess, dataAccessPayload } from '../support/sample-entries.js';

/**
 * Identifiers become ledger keys (streams, datasets, teams, references): two that look the same
 * must be the same, or one trail splits into two that nobody can tell apart.
 */

/** The messages identifier() refuses `value` with; [] when it is accepted. */
function refusals(value: string): string[] {
  const parsed = identifier().safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

describe('identifier()', () => {
  test.each([
    ['plain Latin', 'traffic-flow-2025'],
    ['a path of Latin words', 'city-mgmt/traffic-flow-2025'],
    ['Chinese', '深圳某科技有限公司'],
    ['Chinese with Latin and digits', '深圳-traffic-2025号'],
    ['Cyrillic alone, with digits and punctuation', 'Москва-2026/отдел_7'],
    ['a Latin word and a Cyrillic word, as in a stream', 'dataset:Москва-2026'],
    ['a Latin and a Greek word', 'team/Αθήνα'],
    ['Greek alone', 'Αθήνα-2026'],
    ['Latin with accents, composed', 'café-données'],
    ['an inner space', 'analyst 07'],
    ['digits and punctuation only', '2026-03-01/0042'],
  ])('accepts %s', (_, value) => {
    expect(refusals(value)).toEqual([]);
  });

  test.each([
    ['a zero-width space', 'traffic\u200b-flow-2025'],
    ['a zero-width non-joiner', 'traffic\u200c-flow-2025'],
    ['a zero-width joiner', 'traffic\u200d-flow-2025'],
    ['a word joiner', 'traffic\u2060-flow-2025'],
    ['a byte-order mark', 'traffic-\ufeffflow-2025'],
    ['a soft hyphen', 'traf\u00adfic-flow-2025'],
    ['a variation selector', 'traffic-flow\ufe0f-2025'],
    ['a combining grapheme joiner', 'traffic-flow\u034f-2025'],
    ['a Hangul filler', 'traffic\u3164flow-2025'],
    ['a half-width Hangul filler', 'traffic\uffa0flow-2025'],
    ['a Hangul choseong filler', 'traffic\u115fflow-2025'],
    ['a Mongolian vowel separator', 'traffic\u180eflow-2025'],
  ])('refuses %s, which makes an invisible difference', (_, value) => {
    expect(refusals(value)).toEqual([
      'must not contain invisible characters (zero-width spaces or joiners, soft hyphens, variation selectors, fillers, byte-order marks): remove them',
    ]);
  });

  test.each([
    ['a right-to-left override', 'traffic-\u202e5202-wolf'],
    ['a left-to-right isolate', '\u2066traffic-flow-2025\u2069'],
    ['a left-to-right mark', 'traffic-flow\u200e-2025'],
    ['a right-to-left mark', 'traffic-flow\u200f-2025'],
    ['an Arabic letter mark', 'traffic-flow\u061c-2025'],
  ])('refuses %s, which reorders what is shown', (_, value) => {
    expect(refusals(value)).toEqual([
      'must not contain bidirectional controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069), which change the order it is displayed in: remove them',
    ]);
  });

  test.each([
    ['a Cyrillic a', 'tr\u0430ffic-flow-2025'],
    ['a Cyrillic capital Es', '\u0421ity-mgmt/traffic-flow-2025'],
    ['a Greek omicron', 'traffic-fl\u03bfw-2025'],
    ['a Greek capital Alpha', '\u0391PR-2026-0042'],
    ['a Latin M in a Cyrillic word', 'dataset:Mосква-2026'],
  ])('refuses Latin mixed with %s in one word', (_, value) => {
    expect(refusals(value)).toEqual([
      'mixes Latin letters with Cyrillic or Greek letters in one word, which look alike: write each word in one script',
    ]);
  });

  test('refuses text that is not in NFC, naming the form to send', () => {
    expect(refusals('cafe\u0301-donnees')).toEqual([
      'must be in Unicode normalization form NFC (accents composed with their letters): normalize it before sending',
    ]);
    // A CJK compatibility ideograph is drawn like, and normalises to, a unified one.
    expect(refusals('\uf900-dataset')).toHaveLength(1);
  });

  test('keeps the rules it had', () => {
    expect(refusals(' traffic')).toEqual(['must not start or end with whitespace']);
    expect(refusals('traffic\u0000flow')).toEqual(['must not contain control characters']);
    expect(refusals('')).toHaveLength(1);
  });
});

describe('a look-alike identifier in an entry', () => {
  let ids: TestIdentities;
  beforeAll(async () => {
    ids = await testIdentities();
  });

  test.each([
    ['payload.dataset.id', { dataset: { id: 'city-mgmt/traffic\u200b-flow-2025' } }],
    ['payload.dataset.id', { dataset: { id: 'city-mgmt/tr\u0430ffic-flow-2025' } }],
    [
      'payload.actor.team',
      { actor: { org: 'sz-smart-traffic-co', user: 'a-7', team: 'ml\u2066' } },
    ],
    [
      'payload.purpose.approvalRef',
      { purpose: { scenarioId: 's-12', approvalRef: 'APR-cafe\u0301' } },
    ],
  ])('is refused with INVALID_ENTRY naming %s, and nothing is stored', async (path, change) => {
    const harness = new ContractHarness();
    const request = dataAccess({}, change);
    const error = errorOf(await harness.recordEntry(ids.sandboxWriter, request), 'INVALID_ENTRY');
    expect(error.details?.map((detail) => detail.path)).toEqual([path]);
    expect(harness.state.keys()).toEqual([]);
  });

  test('a Cyrillic dataset id is recorded, and its trail found by its stream', async () => {
    const harness = new ContractHarness();
    const request = dataAccess({}, { dataset: { id: 'Москва-2026' } });
    const entry = entryOf(await harness.recordEntry(ids.sandboxWriter, request));
    expect(entry.stream).toBe('dataset:Москва-2026');
    const page = pageOf(
      await harness.queryEntries(ids.sandboxWriter, { by: 'stream', value: 'dataset:Москва-2026' }),
    );
    expect(page.items.map((item) => item.id)).toEqual([request.id]);
  });

  test('the same identifier written plainly is recorded', async () => {
    const harness = new ContractHarness();
    const request = dataAccess({}, { dataset: dataAccessPayload().dataset });
    const entry = entryOf(await harness.recordEntry(ids.sandboxWriter, request));
    expect(entry.stream).toBe('dataset:city-mgmt/traffic-flow-2025');
  });
});
