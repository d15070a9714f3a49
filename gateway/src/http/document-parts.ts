/** Pieces of the API document that many routes' declarations share. */

/** A schema of the document's components, by name (see openapi.ts). */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const json = (schema: unknown) => ({ 'application/json': { schema } });

export const errorResponse = (description: string) => ({
  description,
  content: json(ref('Error')),
});

export const preferAsync = {
  name: 'Prefer',
  in: 'header',
  required: false,
  schema: { type: 'string', example: 'respond-async' },
  description:
    'respond-async: store the write durably and answer 202 with Location: /v1/operations/{id}',
};

export const accepted = {
  description: 'Accepted (Prefer: respond-async): durably queued; follow Location',
  content: json(ref('Accepted')),
};

export const commonErrors = {
  '400': errorResponse(
    'Malformed JSON or invalid input (MALFORMED_JSON, INVALID_ENTRY, PERSONAL_DATA, INVALID_QUERY, INVALID_ARGUMENT)',
  ),
  '401': errorResponse('Missing or unknown API key (UNAUTHENTICATED)'),
  '403': errorResponse('The role may not do this (FORBIDDEN)'),
  '503': errorResponse('The ledger cannot be reached (LEDGER_UNAVAILABLE)'),
};

export const notOnThisLedger = {
  '501': errorResponse(
    'This ledger is configured without checkpoint witnesses (NOT_AVAILABLE_ON_THIS_LEDGER)',
  ),
};
