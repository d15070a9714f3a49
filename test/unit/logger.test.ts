import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import type { LogFormat } from '../../gateway/src/config.js';
import { createLogger } from '../../gateway/src/logger.js';

/** Everything a logger of `format` writes for one request record, on a terminal or not. */
function logged(format: LogFormat | undefined, isTTY: boolean): string {
  const chunks: string[] = [];
  const output = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  const logger = createLogger('info', format, output);
  logger.info({ route: '/v1/entries', status: 201 }, 'request');
  logger.flush();
  return chunks.join('');
}

describe('the gateway log', () => {
  test('is one JSON line per record when not on a terminal, unless pretty is asked for', () => {
    const line = logged(undefined, false);
    expect(JSON.parse(line)).toMatchObject({ level: 30, msg: 'request', status: 201 });
    expect(JSON.parse(logged('json', true))).toMatchObject({ msg: 'request' });
  });

  test('is readable on a terminal, or wherever LOG_FORMAT=pretty asks for it', () => {
    for (const coloured of [logged(undefined, true), logged('pretty', false)]) {
      // eslint-disable-next-line no-control-regex -- removing the terminal's colour codes
      const text = coloured.replace(/\u001b\[\d+m/g, '');
      expect(() => JSON.parse(text) as unknown).toThrow();
      expect(text).toMatch(/INFO.*request/);
      expect(text).toMatch(/route: "\/v1\/entries"/);
    }
    // Colours only where a terminal shows them.
    expect(logged('pretty', false)).not.toContain('\u001b[');
  });
});
