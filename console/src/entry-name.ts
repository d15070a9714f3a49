/** What names an entry (the API's Entry has it). */
export interface NamedEntry {
  id: string;
  submitter: { mspId: string };
}

/**
 * An entry's unambiguous name, `<MSP id>/<id>`: ids are each organisation's own, so two may
 * record the same one, and a regulator asking for a bare id shared that way is refused with
 * ENTRY_AMBIGUOUS. Every link, lookup and proof request in the console uses this name.
 */
export function entryName(entry: NamedEntry): string {
  return `${entry.submitter.mspId}/${entry.id}`;
}

/** A name as a file name wants it: the organisation and the id, without the slash. */
export function entryFileName(entry: NamedEntry): string {
  return `${entry.submitter.mspId}-${entry.id}`;
}
