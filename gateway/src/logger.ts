import type { Writable } from 'node:stream';
import pino, { type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './config';

/** Where records go; standard output unless a test says otherwise. */
type Output = Writable & { isTTY?: boolean };

/**
 * The process's logger: one JSON line per record for machines (log shippers, files, CI), or
 * readable lines for a person at a terminal. Without a choice, a terminal gets readable lines
 * and anything else JSON, so `npm start` reads well and a service's log stays parseable.
 */
export function createLogger(
  level: Level | 'silent',
  format: LogFormat | undefined,
  output?: Output,
): Logger {
  const onTerminal = (output ?? process.stdout).isTTY === true;
  if (!(format === 'pretty' || (format === undefined && onTerminal))) {
    return output === undefined ? pino({ level }) : pino({ level }, output);
  }
  return pino(
    { level },
    pretty({
      colorize: onTerminal,
      // Synchronous like pino's own JSON output: nothing logged before a crash is lost.
      sync: true,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(output === undefined ? {} : { destination: output }),
    }),
  );
}
