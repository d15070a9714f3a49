import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const GATEWAY_DIST = resolve(__dirname, '../../gateway/dist');
const run = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of the gateway's compiled programs (e.g. `cli/audit-ledger.js`) with Node. */
export async function runGatewayProgram(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run('node', [join(GATEWAY_DIST, script), ...args], {
      env: { ...process.env, ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** A TCP port nothing listens on right now, for a server that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        done(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no chance to flush or close anything. */
  kill(): Promise<void>;
}

/**
 * The gateway's own program (`gateway/dist/main.js`) in a process of its own on `dataDir`, with
 * `env` besides, answering on a free port once healthy.
 */
export async function spawnGateway(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(GATEWAY_DIST, 'main.js')], {
    env: {
      ...process.env,
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        return {
          url,
          child,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the gateway did not start');
}
