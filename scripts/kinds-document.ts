import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES, standardKinds, type KindRegistry, type KindVersion } from '@audit-ledger/chaincode';
import { z } from 'zod';

/**
 * docs/kinds.md, written from the kind modules themselves: what each kind version records,
 * who writes it, where it is found, its fields, rules and examples. A test holds the file to
 * this output, so the docs cannot drift from the contract.
 */

type JsonSchema = Record<string, unknown>;

const PATTERN_NAMES: Record<string, string> = {
  '^sha256:[0-9a-f]{64}$': '`sha256:` + 64 hex digits',
  '^hmac-sha256:[0-9a-f]{64}$': 'pseudonym (`hmac-sha256:` + 64 hex digits)',
  '^[0-9a-f]{64}$': '64 hex digits',
};

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) {
    return schema.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  }
  if (typeof schema.const !== 'undefined') {
    return `\`${JSON.stringify(schema.const)}\``;
  }
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date-time') {
        return 'time (RFC 3339 with offset)';
      }
      const pattern =
        typeof schema.pattern === 'string' ? PATTERN_NAMES[schema.pattern] : undefined;
      if (pattern !== undefined) {
        return pattern;
      }
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      return max !== undefined && max > 256 ? `text (≤ ${max.toLocaleString('en')})` : 'identifier';
    }
    case 'integer': {
      const exclusive =
        typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
      const min = typeof schema.minimum === 'number' ? schema.minimum : exclusive;
      return min === undefined ? 'integer' : `integer ≥ ${min}`;
    }
    case 'array': {
      const bounds = [
        typeof schema.minItems === 'number' ? `≥ ${schema.minItems}` : undefined,
        typeof schema.maxItems === 'number'
          ? `≤ ${schema.maxItems.toLocaleString('en')}`
          : undefined,
      ].filter((bound) => bound !== undefined);
      const items = (schema.items ?? {}) as JsonSchema;
      const item = items.type === 'object' ? 'objects' : typeOf(items);
      return `list of ${item}${bounds.length > 0 ? ` (${bounds.join(', ')})` : ''}`;
    }
    case 'object':
      return 'object';
    default:
      return 'any';
  }
}

/** One row per field, nested fields by dotted path (`[]` for a list's items). */
function fieldRows(schema: JsonSchema, prefix = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const row = `| \`${path}\` | ${typeOf(field)} | ${required.has(name) ? 'yes' : ''} |`;
    const items = field.type === 'array' ? ((field.items ?? {}) as JsonSchema) : undefined;
    const nested =
      field.type === 'object'
        ? fieldRows(field, `${path}.`)
        : items?.type === 'object'
          ? fieldRows(items, `${path}[].`)
          : [];
    return [row, ...nested];
  });
}

function section(version: KindVersion): string {
  const schema = z.toJSONSchema(version.payload, { io: 'input', unrepresentable: 'any' });
  const [first] = version.examples;
  const stream = first === undefined ? undefined : version.stream(first.payload);
  const indexes = version.indexNames.map((name) => `\`${name}\``).join(', ');
  const facts = [
    `- Written by: ${version.writers.map((role) => `\`${role}\``).join(', ')}${version.recordedBy === undefined ? '' : `, through \`${version.recordedBy}\` alone`}.`,
    version.details === undefined
      ? ''
      : `- Held in: the \`${version.details.collection}\` private data collection (payload and stream); the channel keeps the digest and the hash of the details. Erasable.`,
    `- Stream: \`${version.streamName}:…\`${stream === undefined ? '' : `, e.g. \`${stream}\``}.`,
    `- Found by: \`stream\`, \`kind\`, \`source\`${indexes === '' ? '' : `, ${indexes}`}.`,
    version.subjectFields.length === 0
      ? ''
      : `- Credit subjects: ${version.subjectFields.map((field) => `\`${field}\``).join(', ')} — stored as \`{type, ref}\`; the gateway also takes \`{type, idNumber}\` and stores the number's pseudonym.`,
  ].filter((line) => line !== '');
  const rules = version.rules.map((rule) => `- ${rule}`);
  const examples = version.examples.flatMap(({ summary, payload }) => [
    `${summary}:`,
    '',
    '```json',
    JSON.stringify(
      {
        kind: version.kind,
        ...(version.version === 1 ? {} : { kindVersion: version.version }),
        id: '…',
        payload,
      },
      null,
      2,
    ),
    '```',
    '',
  ]);
  return [
    `## \`${version.kind}\` v${version.version} — ${version.title.en}（${version.title['zh-CN']}）`,
    '',
    version.description,
    '',
    ...facts,
    '',
    '| field | type | required |',
    '| --- | --- | --- |',
    ...fieldRows(schema),
    '',
    ...(rules.length === 0 ? [] : ['Rules:', '', ...rules, '']),
    ...examples,
  ].join('\n');
}

export function kindsDocument(kinds: KindRegistry = standardKinds): string {
  return [
    '# Entry kinds',
    '',
    '<!-- Written by `npm run docs:kinds` from chaincode/src/kinds; a test holds this file to it. -->',
    '',
    'What the ledger records, one section per kind and version. How kinds are versioned and how to',
    'add one: [contract.md](contract.md#kinds). Identifiers are 1–256 characters (Chinese is',
    'fine), no leading or trailing whitespace and no control characters; text allows line breaks.',
    '',
    '| role | writes |',
    '| --- | --- |',
    ...ROLES.map((role) => {
      const writable = kinds.writableKinds(role).map((kind) => `\`${kind}\``);
      return `| \`${role}\` | ${writable.length === 0 ? 'nothing' : writable.join(', ')} |`;
    }),
    '',
    `Indexes (\`GET /v1/entries?<index>=<value>\`): ${kinds.indexes.map((name) => `\`${name}\``).join(', ')}. Kinds that share an index name share the index: \`recordId\` finds a credit record's changes and every sharing of it.`,
    '',
    ...kinds.versions.map(section),
  ].join('\n');
}

if (require.main === module) {
  const target = resolve(__dirname, '../../docs/kinds.md');
  writeFileSync(target, `${kindsDocument()}\n`);
  process.stdout.write(`${target}\n`);
}
