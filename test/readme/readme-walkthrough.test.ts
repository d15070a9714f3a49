import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../support/processes.js';

/**
 * Follows the README as a newcomer does: its first line's start command, then every shell
 * block of the walkthrough sections, command by command, in a copy of the checkout (the same
 * files, linked) so that whatever the commands leave behind can be seen. The commands are read
 * out of the README itself, so the README and what works cannot drift apart. Each command must
 * end with the exit status its comment names (0 when it names none), show every error code or
 * verdict its comment names, and no curl may be answered with an error.
 */

const ROOT = resolve(__dirname, '../..');
const WALKTHROUGH_SECTIONS = [
  'Try it',
  'Proofs a regulator checks offline',
  'Checkpoints: history a regulator can hold the ledger to',
  'The command line',
];
/** What the checkout holds before the walkthrough; only the ignored `.data` may be added. */
const CHECKOUT = [
  'README.md',
  'chaincode',
  'console',
  'docs',
  'gateway',
  'network',
  'node_modules',
  'package-lock.json',
  'package.json',
  'scripts',
  'tsconfig.base.json',
  'tsconfig.json',
  'verifier',
];

interface ReadmeCommand {
  section: string;
  text: string;
  expectedExit: number;
  /** Verdicts and error codes the command's comment says it prints (VERIFIED, NOT_FOUND, …). */
  expectedWords: string[];
}

/** The ```sh blocks under a `## ` heading. */
function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) {
    throw new Error(`the README has no section "## ${heading}"`);
  }
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

/**
 * Splits a block into whole commands: a command goes on while a quote is open or a line ends
 * with a backslash. Comment-only lines are dropped; a command's trailing comment is kept for
 * what it promises.
 */
function commandsOf(block: string, section: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let text = '';
  let quote: '"' | "'" | undefined;
  for (const line of block.split('\n')) {
    if (text === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) {
      continue;
    }
    text += `${text === '' ? '' : '\n'}${line}`;
    let comment = '';
    for (let index = 0; index < line.length; index += 1) {
      const char = line.charAt(index);
      if (quote === undefined && char === '#' && /\s/.test(line.charAt(index - 1))) {
        comment = line.slice(index);
        break;
      }
      if (char === '\\' && quote !== "'") {
        index += 1;
      } else if (quote === undefined && (char === '"' || char === "'")) {
        quote = char;
      } else if (char === quote) {
        quote = undefined;
      }
    }
    if (quote === undefined && !line.trimEnd().endsWith('\\')) {
      commands.push({
        section,
        text,
        expectedExit: Number(/\bexit (\d+)/.exec(comment)?.[1] ?? 0),
        expectedWords: [...comment.matchAll(/\b[A-Z][A-Z_]{4,}\b/g)].map((match) => match[0]),
      });
      text = '';
    }
  }
  expect(text, `an unfinished command in "${section}"`).toBe('');
  return commands;
}

let readme: string;
let checkout: string;
let port: number;
let gateway: ChildProcess;
let gatewayOutput = '';

async function ready(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    if (gateway.exitCode !== null) {
      throw new Error(`the gateway exited: ${gatewayOutput}`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  throw new Error(`the gateway was not ready in time: ${gatewayOutput}`);
}

function run(command: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null }>((done, fail) => {
    const child = spawn(command, args, { cwd: checkout, env: { ...process.env, ...env } });
    child.once('error', fail);
    child.once('exit', (code) => {
      done({ code });
    });
  });
}

beforeAll(async () => {
  readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  checkout = await mkdtemp(join(tmpdir(), 'audit-readme-'));
  for (const name of CHECKOUT) {
    await symlink(join(ROOT, name), join(checkout, name));
  }
  port = await freePort();
  // The README's first line, after installing: `npm start`, in its own process group.
  const [install, start] = (/```sh\n(.*)\n/.exec(readme)?.[1] ?? '').split(' && ');
  expect(install).toBe('npm ci');
  expect(start).toBe('npm start');
  gateway = spawn('npm', ['start'], {
    cwd: checkout,
    detached: true,
    env: { ...process.env, PORT: String(port), METRICS_PORT: '0', LOG_FORMAT: 'json' },
  });
  gateway.stdout?.on('data', (chunk: Buffer) => (gatewayOutput += chunk.toString()));
  gateway.stderr?.on('data', (chunk: Buffer) => (gatewayOutput += chunk.toString()));
  await ready(`http://127.0.0.1:${port}/readyz`, Date.now() + 90_000);
}, 120_000);

afterAll(async () => {
  if (gateway.exitCode === null && gateway.pid !== undefined) {
    const exited = new Promise((done) => gateway.once('exit', done));
    process.kill(-gateway.pid, 'SIGINT');
    await exited;
  }
  await rm(checkout, { recursive: true, force: true });
});

describe('the README, followed as written', () => {
  test('opens with exactly two lines: install and start, then the tests', () => {
    const [opening] = /```sh\n([\s\S]*?)```/.exec(readme)?.slice(1) ?? [];
    expect(opening?.trim().split('\n')).toEqual(['npm ci && npm start', 'npm test']);
    expect(gatewayOutput).toContain('Development API keys');
  });

  test('start, try it, proofs, checkpoints and the CLI work, and leave the checkout clean', async () => {
    const commands = WALKTHROUGH_SECTIONS.flatMap((section) =>
      shellBlocks(readme, section).flatMap((block) => commandsOf(block, section)),
    );
    expect(commands.length).toBeGreaterThan(20);

    // One shell runs them all, as a reader pastes them; each command's output and status kept.
    const results = await mkdtemp(join(tmpdir(), 'audit-readme-results-'));
    try {
      const script = commands
        .map(
          (command, index) =>
            `{ ${command.text.replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`)}\n} >"${results}/${index}.out" 2>&1; echo "${index} $?" >>"${results}/status"`,
        )
        .join('\n');
      await writeFile(join(results, 'walkthrough.sh'), script);
      const shell = await run('bash', [join(results, 'walkthrough.sh')], {
        AUDIT_LEDGER_URL: `http://127.0.0.1:${port}`,
        AUDIT_LEDGER_KEY: '',
      });
      expect(shell.code).toBe(0);

      const statuses = new Map(
        (await readFile(join(results, 'status'), 'utf8'))
          .trim()
          .split('\n')
          .map((line) => line.split(' ').map(Number) as [number, number]),
      );
      for (const [index, command] of commands.entries()) {
        const output = await readFile(join(results, `${index}.out`), 'utf8');
        const what = `${command.section}: ${command.text}\n${output}`;
        expect(statuses.get(index), what).toBe(command.expectedExit);
        for (const word of command.expectedWords) {
          expect(output, what).toContain(word);
        }
        if (command.text.startsWith('curl')) {
          expect(output, what).not.toMatch(/"error":\s*\{/);
        }
      }
    } finally {
      await rm(results, { recursive: true, force: true });
    }

    // Scratch files stay in .data, which git ignores: nothing else appeared in the checkout.
    expect((await readdir(checkout)).sort()).toEqual([...CHECKOUT, '.data'].sort());
    expect((await readFile(join(ROOT, '.gitignore'), 'utf8')).split('\n')).toContain('.data/');
  }, 180_000);
});
