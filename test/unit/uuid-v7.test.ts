import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../../gateway/src/uuid-v7';

describe('uuidV7', () => {
  it('has the version 7 and RFC 9562 variant bits, and the time in its first 48 bits', () => {
    const now = Date.UTC(2026, 10, 26, 15, 53, 27, 123);
    const id = uuidV7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(now);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 10_000 }, (_unused, index) =>
      uuidV7(1_700_000_000_000 + index),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const sameMillisecond = Array.from({ length: 10_000 }, () => uuidV7(1_700_000_000_000));
    expect(new Set(sameMillisecond).size).toBe(sameMillisecond.length);
  });

  it('never spells a resident identity number: such random bits are drawn again', () => {
    // Time 01900000-000a, then random bits whose digits read 711081199001011009 from the
    // version digit on: a valid number, which the contract would refuse in an id.
    const draws = ['ffffffff-ffff-4110-8119-9001011009ff', 'ffffffff-ffff-4abc-8def-abcdefabcdef'];
    const id = uuidV7(0x01900000000a, () => draws.shift() ?? '');
    expect(id).toBe('01900000-000a-7abc-8def-abcdefabcdef');
    expect(draws).toEqual([]);
  });
});
