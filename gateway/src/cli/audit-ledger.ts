#!/usr/bin/env node
import '../fabric-logging';
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { standardKinds } from '@audit-ledger/chaincode';
import type { TrailProgress, TrailReport } from '../services/trail-check';
import {
  formatEvidenceReport,
  formatReport,
  InputError,
  type VerificationReport,
  verifyCheckpointText,
  verifyConsistencyText,
  verifyProofText,
} from '@audit-ledger/verifier';
import { EXIT } from './cli-errors';
import {
  GatewayError,
  gatewayTarget,
  getJson,
  getLines,
  getText,
  postJson,
  withQuery,
  type GatewayTarget,
} from './gateway-client';
import type { Finding } from '../compliance/compliance-engine';
import {
  formatEntry,
  formatEntryTable,
  formatFinding,
  formatFindings,
  formatTrailReport,
  type EntryView,
} from './human-output';
import { readText, readTrust } from './offline-inputs';
import { progress } from './progress';

const GATEWAY_OPTIONS = `Commands that call a gateway take --gateway <url> (or AUDIT_LEDGER_URL; default
http://127.0.0.1:8080) and read the API key from AUDIT_LEDGER_KEY, or from the file
--key-file <file> (or AUDIT_LEDGER_KEY_FILE) names; never from an argument.`;

const EXIT_STATUSES = `Exit 0 when everything holds, 1 when a check fails (a bundle or checkpoint
that does not verify, a trail that is not complete), 2 when the command line or an input file is
wrong, 3 when the gateway refuses or cannot be reached.`;

interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | undefined>, files: string[]): Promise<number>;
}

const gatewayOptions = {
  gateway: { type: 'string' },
  'key-file': { type: 'string' },
} as const;

const asString = (value: string | boolean | undefined) =>
  typeof value === 'string' ? value : undefined;

async function target(values: Record<string, string | boolean | undefined>) {
  return gatewayTarget(
    { gateway: asString(values.gateway), 'key-file': asString(values['key-file']) },
    process.env,
  );
}

function one(files: string[], what: string): string {
  const [only, ...more] = files;
  if (only === undefined || more.length > 0) {
    throw new InputError(`give exactly one ${what}`);
  }
  return only;
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function printVerification(result: VerificationReport, json: boolean): number {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
  return result.verified ? EXIT.ok : EXIT.checkFailed;
}

const entryPath = (id: string) => `/v1/entries/${encodeURIComponent(id)}`;

async function fetchBundle(gateway: GatewayTarget, id: string, out: string | undefined) {
  const bundle = await getText(gateway, `${entryPath(id)}/proof`);
  if (out !== undefined) {
    await writeFile(out, bundle);
    process.stderr.write(
      `the proof bundle of ${id} (${Buffer.byteLength(bundle)} bytes) is in ${out}\n`,
    );
  }
  return bundle;
}

/** Each index as an option: `recordId` is `--record-id`. */
const API_FILTER_NAMES: Record<string, string> = Object.fromEntries(
  standardKinds.indexes.map((name) => [
    name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`),
    name,
  ]),
);
const LIST_FILTERS = Object.keys(API_FILTER_NAMES);

/** `parts` joined by `separator`, a line break and `indent` before a line would pass 100. */
function wrapped(parts: string[], separator: string, indent: string): string {
  const lines = [''];
  for (const part of parts) {
    const line = lines.at(-1) ?? '';
    const next = line === '' ? part : `${line}${separator}${part}`;
    if (line !== '' && indent.length + next.length > 100) {
      lines[lines.length - 1] = `${line}${separator.trimEnd()}`;
      lines.push(part);
    } else {
      lines[lines.length - 1] = next;
    }
  }
  return lines.join(`\n${indent}`);
}

interface EntryPage {
  items: EntryView[];
  nextCursor: string | null;
}

interface FindingPage {
  items: Finding[];
  /** `after` for the next page; empty after the last. */
  next: string;
}

/** The most findings the gateway sends in one page: fewest round trips for every page. */
const FINDINGS_PAGE = 500;
const FINDING_STATUSES = ['open', 'closed'];

const COMMANDS: Record<string, Command> = {
  get: {
    usage: `audit-ledger get <id> [--json]
  The entry with that id, as your key may read it (a regulator names another organisation's
  entry as <MSP id>/<id>).`,
    options: { ...gatewayOptions },
    async run(values, files) {
      const entry = await getJson(await target(values), entryPath(one(files, 'entry id')));
      print(
        values.json === true ? JSON.stringify(entry, null, 2) : formatEntry(entry as EntryView),
      );
      return EXIT.ok;
    },
  },

  list: {
    usage: `audit-ledger list (${wrapped(
      LIST_FILTERS.map((flag) => `--${flag} <value>`),
      ' | ',
      '                    ',
    )})
                    [--from <time>] [--to <time>] [--limit N] [--cursor <c>] [--all] [--json]
  Entries in commit order, one page (--limit, at most 500) at a time; --cursor continues where
  the last page ended, --all reads every page. Times are ISO 8601 with an offset
  (2026-03-01T09:00:00+08:00 or …Z). Kinds: ${standardKinds.kinds.join(', ')}.`,
    options: {
      ...gatewayOptions,
      ...Object.fromEntries(LIST_FILTERS.map((name) => [name, { type: 'string' as const }])),
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      all: { type: 'boolean' },
    },
    async run(values, files) {
      if (files.length > 0) {
        throw new InputError(`unexpected argument ${files[0] ?? ''}: filters are options`);
      }
      const filters = LIST_FILTERS.filter((name) => values[name] !== undefined);
      if (filters.length !== 1) {
        throw new InputError(
          `give exactly one of ${LIST_FILTERS.map((name) => `--${name}`).join(', ')}`,
        );
      }
      const gateway = await target(values);
      const query = {
        ...Object.fromEntries(
          filters.map((name): [string, string | undefined] => [
            API_FILTER_NAMES[name] ?? name,
            asString(values[name] as string | undefined),
          ]),
        ),
        from: asString(values.from),
        to: asString(values.to),
        limit: asString(values.limit),
      };
      const items: EntryView[] = [];
      let cursor = asString(values.cursor);
      const shown =
        values.all === true
          ? progress('listing', { unit: 'entries', singular: 'entry' })
          : undefined;
      do {
        const page = (await getJson(
          gateway,
          withQuery('/v1/entries', { ...query, cursor }),
        )) as EntryPage;
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        shown?.update(items.length);
      } while (values.all === true && cursor !== undefined);
      shown?.finish(items.length);
      if (values.json === true) {
        print(JSON.stringify({ items, nextCursor: cursor ?? null }, null, 2));
      } else {
        print(items.length === 0 ? 'no entries' : formatEntryTable(items));
        if (cursor !== undefined) {
          // With `=`: a cursor may begin with a dash, which would read as an option otherwise.
          print(`more: add --cursor=${cursor}`);
        }
      }
      return EXIT.ok;
    },
  },

  proof: {
    usage: `audit-ledger proof <id> [--out <bundle.json>]
  The entry's proof bundle (audit-ledger-proof/1), written to --out or to standard output, for
  \`audit-ledger verify\` or anyone's own verifier.`,
    options: { ...gatewayOptions, out: { type: 'string' } },
    async run(values, files) {
      const out = asString(values.out);
      const bundle = await fetchBundle(await target(values), one(files, 'entry id'), out);
      if (out === undefined) {
        print(bundle);
      }
      return EXIT.ok;
    },
  },

  verify: {
    usage: `audit-ledger verify <bundle.json> --trust <trust.json> [--json]
audit-ledger verify <evidence.json> --trust <trust.json> [--json]
audit-ledger verify --id <id> --trust <trust.json> [--out <bundle.json>] [--json]
  Checks a proof bundle offline, every step against trust.json: a bundle file (the answer of
  GET /v1/entries/{id}/proof), or with --id the bundle fetched from the gateway just now (kept
  in --out if given). Nothing but the bundle comes from the gateway. An evidence package saved
  from the console is checked whole: its checkpoint and every entry's bundle.`,
    options: {
      ...gatewayOptions,
      trust: { type: 'string' },
      id: { type: 'string' },
      out: { type: 'string' },
    },
    async run(values, files) {
      const id = asString(values.id);
      if ((id === undefined) === (files.length === 0)) {
        throw new InputError('give a bundle file or --id <id>, not both');
      }
      const trust = await readTrust(asString(values.trust));
      const bundle =
        id === undefined
          ? await readText(one(files, 'bundle file'), 'bundle')
          : await fetchBundle(await target(values), id, asString(values.out));
      const result = verifyProofText(bundle, trust);
      process.stdout.write(
        values.json === true
          ? `${JSON.stringify(result, null, 2)}\n`
          : 'entries' in result
            ? formatEvidenceReport(result)
            : formatReport(result),
      );
      return result.verified ? EXIT.ok : EXIT.checkFailed;
    },
  },

  trail: {
    usage: `audit-ledger trail (--source <source> | --stream <stream> | both) [--from <time>] [--to <time>] [--json]
  Asks the gateway whether a trail is complete: gaps in the source's sourceSeq numbering, numbers
  that went backwards, entries whose digest no longer matches, the ledger's integrity and, on
  Fabric, whether every organisation's peer holds the same trail. Shows progress while it runs.`,
    options: {
      ...gatewayOptions,
      source: { type: 'string' },
      stream: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
    async run(values) {
      const gateway = await target(values);
      const path = withQuery('/v1/trails/verify', {
        source: asString(values.source),
        stream: asString(values.stream),
        from: asString(values.from),
        to: asString(values.to),
      });
      const reading = progress('checking the trail', { unit: 'entries', singular: 'entry' });
      let result: TrailReport | undefined;
      let read = 0;
      await getLines(gateway, path, (line) => {
        const message = line as {
          progress?: TrailProgress;
          report?: TrailReport;
          error?: { code: string; message: string };
        };
        if (message.progress !== undefined) {
          read = message.progress.entries;
          reading.update(read);
        } else if (message.report !== undefined) {
          result = message.report;
        } else if (message.error !== undefined) {
          throw new GatewayError(
            `the trail check failed: ${message.error.code}: ${message.error.message}`,
          );
        }
      });
      if (result === undefined) {
        throw new GatewayError('the gateway ended the trail check without a report');
      }
      reading.finish(result.entries);
      process.stdout.write(
        values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatTrailReport(result),
      );
      return result.complete ? EXIT.ok : EXIT.checkFailed;
    },
  },

  findings: {
    usage: `audit-ledger findings [--status open|closed] [--rule <rule id>] [--json]
  Compliance findings, every page, in the order they were raised: those about your
  organisation's entries (a regulator's key: all), each with the rule that raised it, the entry
  it is about, the facts to check and, once closed, who closed it, when and why.`,
    options: { ...gatewayOptions, status: { type: 'string' }, rule: { type: 'string' } },
    async run(values, files) {
      if (files.length > 0) {
        throw new InputError(`unexpected argument ${files[0] ?? ''}: filters are options`);
      }
      const status = asString(values.status);
      if (status !== undefined && !FINDING_STATUSES.includes(status)) {
        throw new InputError(`--status ${status}: give open or closed`);
      }
      const gateway = await target(values);
      const query = { status, rule: asString(values.rule), limit: String(FINDINGS_PAGE) };
      const items: Finding[] = [];
      const shown = progress('listing', { unit: 'findings', singular: 'finding' });
      let after = '';
      do {
        const page = (await getJson(
          gateway,
          withQuery('/v1/findings', { ...query, after: after === '' ? undefined : after }),
        )) as FindingPage;
        items.push(...page.items);
        after = page.next;
        shown.update(items.length);
      } while (after !== '');
      shown.finish(items.length);
      print(values.json === true ? JSON.stringify({ items }, null, 2) : formatFindings(items));
      return EXIT.ok;
    },
  },

  'close-finding': {
    usage: `audit-ledger close-finding <finding id> --reason <text> [--json]
  A regulator closes a finding, saying why: the closure is recorded on the ledger as a
  finding-closure entry, and the finding is closed on every organisation's gateway. A finding
  closed already is refused with FINDING_CLOSED (exit 3).`,
    options: { ...gatewayOptions, reason: { type: 'string' } },
    async run(values, files) {
      const id = one(files, 'finding id');
      const reason = asString(values.reason)?.trim() ?? '';
      if (reason === '') {
        throw new InputError('give --reason <text>: a finding is closed with the reason why');
      }
      const answer = (await postJson(
        await target(values),
        `/v1/findings/${encodeURIComponent(id)}/close`,
        { reason },
      )) as { closure: EntryView; finding: Finding };
      print(
        values.json === true
          ? JSON.stringify(answer, null, 2)
          : `${formatFinding(answer.finding)}\nclosure entry ${answer.closure.id}, block ${answer.closure.blockNumber}, tx ${answer.closure.txId}`,
      );
      return EXIT.ok;
    },
  },

  'verify-consistency': {
    usage: `audit-ledger verify-consistency <old-checkpoint> <new-checkpoint> <proof.json> --trust <trust.json> [--json]
  Checks offline that the newer checkpoint's tree extends the older one's: both signatures and
  cosignatures, and the consistency proof (the answer of GET /v1/proofs/consistency). A
  checkpoint file holds the answer of GET /v1/checkpoints/latest or the note text itself.`,
    options: { trust: { type: 'string' } },
    async run(values, files) {
      const [oldFile, newFile, proofFile, ...more] = files;
      if (
        oldFile === undefined ||
        newFile === undefined ||
        proofFile === undefined ||
        more.length > 0
      ) {
        throw new InputError('give the old checkpoint, the new checkpoint and the proof');
      }
      const trust = await readTrust(asString(values.trust));
      const texts = {
        older: await readText(oldFile, 'checkpoint'),
        newer: await readText(newFile, 'checkpoint'),
        proof: await readText(proofFile, 'proof'),
      };
      const names = {
        older: `checkpoint ${oldFile}`,
        newer: `checkpoint ${newFile}`,
        proof: `proof ${proofFile}`,
      };
      return printVerification(verifyConsistencyText(texts, trust, names), values.json === true);
    },
  },

  'verify-checkpoint': {
    usage: `audit-ledger verify-checkpoint <checkpoint> --trust <trust.json> [--json]
  Checks a checkpoint's log signature and each witness's cosignature offline.`,
    options: { trust: { type: 'string' } },
    async run(values, files) {
      const trust = await readTrust(asString(values.trust));
      const file = one(files, 'checkpoint file');
      return printVerification(
        verifyCheckpointText(await readText(file, 'checkpoint'), trust, `checkpoint ${file}`),
        values.json === true,
      );
    },
  },
};

const USAGE = `usage: ${Object.values(COMMANDS)
  .map((command) => command.usage.split('\n')[0] ?? '')
  .join('\n       ')}

Every command answers --help. ${GATEWAY_OPTIONS}
${EXIT_STATUSES}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    if (name === '--help' || name === '-h' || name === 'help') {
      print(USAGE);
      return EXIT.ok;
    }
    if (name === undefined) {
      throw new InputError(USAGE);
    }
    throw new InputError(`unknown command ${name}\n${USAGE}`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        ...command.options,
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new InputError(`${(error as Error).message}\nusage: ${command.usage}`);
  }
  if (parsed.values.help === true) {
    print(`usage: ${command.usage}\n\n${EXIT_STATUSES}`);
    return EXIT.ok;
  }
  return command.run(parsed.values, parsed.positionals);
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = error instanceof GatewayError ? EXIT.gateway : EXIT.badInput;
  },
);
