import { Webhook as StandardWebhook } from 'standardwebhooks';
import { describe, expect, test } from 'vitest';
import { retryDelayMs, signedHeaders } from '../../gateway/src/events/webhook-dispatcher.js';

const POLICY = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 16, timeoutMs: 10_000 };

describe('webhook signatures', () => {
  test('verify with the Standard Webhooks library, and fail for another body or secret', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const body = JSON.stringify({ type: 'entry.committed', data: { id: '应用-1' } });
    const now = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(secret, '42.3', now, body);
    expect(headers['webhook-id']).toBe('42.3');
    expect(new StandardWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new StandardWebhook(secret).verify(`${body} `, headers)).toThrow();
    const other = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
    expect(() => new StandardWebhook(other).verify(body, headers)).toThrow();
  });
});

describe('retry delays', () => {
  test('double from the base, never below half their step, and stop growing at the cap', () => {
    expect(retryDelayMs(1, POLICY, () => 0)).toBe(500);
    expect(retryDelayMs(1, POLICY, () => 1)).toBe(1_000);
    expect(retryDelayMs(4, POLICY, () => 0)).toBe(4_000);
    expect(retryDelayMs(4, POLICY, () => 1)).toBe(8_000);
    expect(retryDelayMs(30, POLICY, () => 0)).toBe(30_000);
    expect(retryDelayMs(30, POLICY, () => 1)).toBe(60_000);
  });

  test('are spread by jitter, so receivers coming back are not hit all at once', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, POLICY)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(8_000);
      expect(delay).toBeLessThanOrEqual(16_000);
    }
  });
});
