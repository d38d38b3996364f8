import { loadConfig } from '../config/config.js';
import { clientKey, LoginThrottle } from '../modules/auth/login-throttle.js';
import { InMemoryFailureStore, InMemoryRateLimitStore, parseRateLimits } from './rate-limit.store.js';

describe('tenant rate limit buckets', () => {
  it('defaults to ThingsBoard limits: 100 per second and 2000 per minute', () => {
    expect(parseRateLimits(loadConfig({}).REST_RATE_LIMIT_TENANT)).toEqual([
      { capacity: 100, periodMs: 1000 },
      { capacity: 2000, periodMs: 60000 },
    ]);
    expect(parseRateLimits('off')).toEqual([]);
    expect(() => loadConfig({ REST_RATE_LIMIT_TENANT: '100' })).toThrow(
      /REST_RATE_LIMIT_TENANT.*capacity:seconds/,
    );
    expect(() => loadConfig({ REST_RATE_LIMIT_TENANT: '0:1' })).toThrow(/REST_RATE_LIMIT_TENANT/);
  });

  it('allows a burst of 100, refuses the 101st with the wait until the next token, and refills over a second', async () => {
    const s = new InMemoryRateLimitStore();
    const limits = parseRateLimits('100:1,2000:60');
    for (let i = 0; i < 100; i++) expect(await s.take('t', limits, 0)).toBe(0);
    expect(await s.take('t', limits, 0)).toBe(10);
    expect(await s.take('other', limits, 0)).toBe(0);
    expect(await s.take('t', limits, 10)).toBe(0);
    expect(await s.take('t', limits, 10)).toBeGreaterThan(0);
    let ok = 0;
    for (let i = 0; i < 200; i++) if ((await s.take('t', limits, 1010)) === 0) ok++;
    expect(ok).toBe(100);
  });

  it('holds a tenant that keeps asking 200 times a second to about 2000 requests a minute', async () => {
    const s = new InMemoryRateLimitStore();
    const limits = parseRateLimits('100:1,2000:60');
    let ok = 0;
    for (let t = 0; t < 600_000; t += 5) if ((await s.take('t', limits, t)) === 0) ok++;
    // the first minute's 2000 in hand plus 2000 refilled per minute (greedy refill, as bucket4j in ThingsBoard)
    expect(ok).toBeGreaterThanOrEqual(20_000);
    expect(ok).toBeLessThanOrEqual(22_001);
  });
});

describe('login throttle', () => {
  const config = loadConfig({});
  let now = 0;
  const throttle = () =>
    new LoginThrottle(
      {
        maxFailures: config.LOGIN_MAX_FAILURES,
        windowMs: config.LOGIN_FAILURE_WINDOW_SEC * 1000,
        blockMs: config.LOGIN_BLOCK_SEC * 1000,
      },
      new InMemoryFailureStore(),
      () => now,
    );

  it('blocks an address for 60 s after 10 failures (defaults), then lets it try again', async () => {
    now = 0;
    const t = throttle();
    for (let i = 0; i < 10; i++) {
      await expect(t.check('10.0.0.1')).resolves.toBeUndefined();
      await t.failed('10.0.0.1');
    }
    await expect(t.check('10.0.0.1')).rejects.toMatchObject({
      status: 429,
      message: 'Too many failed logins from your address: try again in 60 seconds',
    });
    await expect(t.check('10.0.0.2')).resolves.toBeUndefined();
    now = 59_999;
    await expect(t.check('10.0.0.1')).rejects.toMatchObject({
      status: 429,
      message: expect.stringContaining('in 1 seconds'),
    });
    now = 60_000;
    await expect(t.check('10.0.0.1')).resolves.toBeUndefined();
  });

  it('forgets failures older than the window and after a success', async () => {
    now = 0;
    const t = throttle();
    for (let i = 0; i < 9; i++) await t.failed('a');
    now = 900_001;
    await t.failed('a');
    await expect(t.check('a')).resolves.toBeUndefined();
    for (let i = 0; i < 8; i++) await t.failed('a');
    await t.succeeded('a');
    await t.failed('a');
    await expect(t.check('a')).resolves.toBeUndefined();
  });
});

describe('login throttle client key', () => {
  it('counts IPv4 addresses one by one and IPv6 addresses per /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('')).toBe('unknown');
  });
});
