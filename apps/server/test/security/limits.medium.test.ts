import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../helpers.js';
import { SecurityReport } from './report.js';

// Issue 10, points 15 (login throttling), 16 (resource caps) and 19 (per-tenant REST rate limit).
const report = new SecurityReport('limits: login throttling, resource caps, tenant rate limit');
afterAll(() => report.print());

const wrong = (p: TestPlatform, username: string, xff?: string) => {
  const r = p.http().post('/api/auth/login');
  if (xff) r.set('X-Forwarded-For', xff);
  return r.send({ username, password: 'not-the-password' });
};

describe('per-tenant REST rate limit', () => {
  let p: TestPlatform;
  let other: { tenantId: string; token: string };
  beforeAll(async () => {
    p = await startTestPlatform({ REST_RATE_LIMIT_TENANT: '10:1,15:60' });
    other = await createTenantWithAdmin(p, 'Rate Other');
  });
  afterAll(async () => {
    await p.stop();
  });

  it('refuses a tenant above its per-second and per-minute budget with 429 and a sentence, without slowing other tenants', async () => {
    const auth = bearer(p.tenantToken);
    const call = () => p.http().get('/api/tenant/devices?pageSize=1&page=0').set(auth);
    const t0 = Date.now();
    const burst = await Promise.all(Array.from({ length: 40 }, call));
    const ok = burst.filter((r) => r.status === 200).length;
    const refused = burst.filter((r) => r.status === 429);
    // at least the 10 of the per-second bucket; at most the per-minute bucket's 15 plus its refill
    // (0.25/s) while the burst was in flight, however slow the machine is
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(15 + Math.ceil(((Date.now() - t0) / 1000) * 0.25));
    expect(refused.length).toBe(40 - ok);
    expect(refused[0]!.body).toMatchObject({ status: 429, errorCode: 33 });
    expect(refused[0]!.body.message).toMatch(
      /^Too many requests for this tenant: the limit is 10 per 1 s and 15 per 60 s \(REST_RATE_LIMIT_TENANT\); retry in \d+ s$/,
    );
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    report.checked(
      `tenant burst of 40 calls with limit 10:1,15:60 → ${ok} × 200, ${refused.length} × 429 "${refused[0]!.body.message}" (Retry-After header set)`,
    );

    expect(
      (await p.http().get('/api/tenant/devices?pageSize=1&page=0').set(bearer(other.token))).status,
    ).toBe(200);
    expect((await p.http().get('/api/tenants?pageSize=1&page=0').set(bearer(p.sysadminToken))).status).toBe(
      200,
    );
    report.checked('another tenant and the system admin are not slowed by that tenant: 200');

    await new Promise((r) => setTimeout(r, 1100));
    const later = await Promise.all(Array.from({ length: 10 }, call));
    const okLater = later.filter((r) => r.status === 200).length;
    // the per-second bucket is full again, but the minute's 15 are spent: only its refill passes
    expect(okLater).toBeLessThanOrEqual(15 + Math.ceil(((Date.now() - t0) / 1000) * 0.25) - ok);
    expect(later.some((r) => r.status === 429)).toBe(true);
    report.checked(
      `1.1 s later (per-second bucket full again) the per-minute budget still caps the tenant: ${okLater} of 10 allowed`,
    );
  });
});

describe('resource caps (default configuration)', () => {
  let p: TestPlatform;
  let other: { tenantId: string; token: string };
  beforeAll(async () => {
    p = await startTestPlatform();
    other = await createTenantWithAdmin(p, 'Caps Other');
  });
  afterAll(async () => {
    await p.stop();
  });

  it('refuses a JSON body above HTTP_MAX_BODY_KB (2 MB) with 413 and a sentence', async () => {
    const big = { name: 'big', type: 'x', additionalInfo: { blob: 'x'.repeat(2.2 * 1024 * 1024) } };
    const r = await p.http().post('/api/device').set(bearer(other.token)).send(big);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ status: 413, message: expect.stringMatching(/too large.*2048 KB/) });
    report.checked(`POST /api/device with a 2.2 MB body → 413 "${r.body.message}"`);
    const names = await p
      .http()
      .get('/api/tenant/devices?pageSize=10&page=0&textSearch=big')
      .set(bearer(other.token));
    expect(names.body.totalElements).toBe(0);
  });

  it('refuses telemetry history queries above the caps (keys per query, values per query, aggregation intervals) with 400 and a sentence', async () => {
    const auth = bearer(other.token);
    const dev = (await p.http().post('/api/device').set(auth).send({ name: 'caps', type: 'x' })).body.id
      .id as string;
    const url = `/api/plugins/telemetry/DEVICE/${dev}/values/timeseries`;
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`).join(',');
    const day = 86_400_000;
    const cases: [string, string, RegExp][] = [
      ['101 keys', `${url}?keys=${keys(101)}`, /Invalid keys: ask for at most 100 keys per query/],
      [
        '20 keys × limit 100000',
        `${url}?keys=${keys(20)}&startTs=0&endTs=${day}&limit=100000`,
        /Invalid limit: keys × limit may be at most 1000000/,
      ],
      ['limit above 100000', `${url}?keys=a&startTs=0&endTs=${day}&limit=100001`, /Invalid limit/],
      [
        'a year of 1-minute AVG intervals',
        `${url}?keys=a&startTs=0&endTs=${365 * day}&agg=AVG&interval=60000`,
        /Invalid interval: the time range holds more than 700 intervals/,
      ],
    ];
    for (const [what, u, msg] of cases) {
      const r = await p.http().get(u).set(auth);
      expect({ what, status: r.status }).toEqual({ what, status: 400 });
      expect(r.body.message).toMatch(msg);
      report.checked(`history query with ${what} → 400 "${r.body.message}"`);
    }
    const fine = await p
      .http()
      .get(`${url}?keys=${keys(100)}&startTs=0&endTs=${day}&agg=AVG&interval=${Math.ceil(day / 700)}`)
      .set(auth);
    expect(fine.status).toBe(200);
    report.checked('100 keys with 700 intervals is accepted (200)');
  });

  it('refuses a page size above 1000 on every paged list with 400 naming pageSize', async () => {
    const lists: [string, string][] = [
      ['/api/tenant/devices', other.token],
      ['/api/tenant/dashboards', other.token],
      ['/api/converters', other.token],
      ['/api/integrations', other.token],
      ['/api/ruleChains', other.token],
      ['/api/tenants', p.sysadminToken],
    ];
    for (const [path, token] of lists) {
      const r = await p.http().get(`${path}?pageSize=1001&page=0`).set(bearer(token));
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/pageSize/);
      report.checked(`GET ${path}?pageSize=1001 → 400 "${r.body.message}"`);
    }
  });
});

describe('login throttling', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('refuses every login from an address for 60 s after 10 failures, saying so, without telling whether the user exists', async () => {
    const answers = [];
    for (let i = 0; i < 10; i++)
      answers.push(await wrong(p, i % 2 ? 'tenant@example.com' : `ghost${i}@example.com`));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    expect(new Set(answers.map((a) => a.body.message)).size).toBe(1);
    report.checked(
      '10 failed logins (5 existing user, 5 unknown users) → 10 × 401 with one identical message',
    );

    const blockedRight = await p
      .http()
      .post('/api/auth/login')
      .send({ username: 'tenant@example.com', password: 'tenant' });
    const blockedGhost = await wrong(p, 'ghost@example.com');
    const blockedWrong = await wrong(p, 'tenant@example.com');
    for (const r of [blockedRight, blockedGhost, blockedWrong]) {
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ status: 429, errorCode: 33 });
      expect(r.body.message).toMatch(
        /^Too many failed logins from your address: try again in (5\d|60) seconds$/,
      );
    }
    const strip = (b: Record<string, unknown>) => ({
      ...b,
      timestamp: 0,
      message: String(b.message).replace(/\d+ seconds/, 'N seconds'),
      retryAfterSec: 0,
    });
    expect(strip(blockedGhost.body)).toEqual(strip(blockedWrong.body));
    expect(strip(blockedRight.body)).toEqual(strip(blockedWrong.body));
    report.checked(
      `11th login → 429 "${blockedRight.body.message}", the same for the right password, a wrong one and an unknown user`,
    );

    const spoofed = await p
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ username: 'tenant@example.com', password: 'tenant' });
    expect(spoofed.status).toBe(429);
    report.checked(
      'X-Forwarded-For is ignored without HTTP_TRUST_PROXY: a spoofed address stays blocked (429)',
    );

    // tokens issued before the block keep working: throttling is about logins, not sessions
    expect((await p.http().get('/api/auth/user').set(bearer(p.tenantToken))).status).toBe(200);
    report.checked('calls with an existing token still work while logins are blocked');
  });
});

describe('login throttling behind a trusted proxy, with a short block', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({
      HTTP_TRUST_PROXY: 'true',
      LOGIN_BLOCK_SEC: '2',
      LOGIN_MAX_FAILURES: '3',
      BCRYPT_ROUNDS: '10',
    });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('counts per client address, lifts the block when it ends, and a success clears the count', async () => {
    for (let i = 0; i < 3; i++)
      expect((await wrong(p, 'tenant@example.com', '198.51.100.1')).status).toBe(401);
    expect((await wrong(p, 'tenant@example.com', '198.51.100.1')).status).toBe(429);
    const neighbour = await p
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '198.51.100.2')
      .send({ username: 'tenant@example.com', password: 'tenant' });
    expect(neighbour.status).toBe(200);
    report.checked('address 198.51.100.1 blocked after 3 failures; 198.51.100.2 logs in (200)');
    await new Promise((r) => setTimeout(r, 2100));
    const after = await p
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '198.51.100.1')
      .send({ username: 'tenant@example.com', password: 'tenant' });
    expect(after.status).toBe(200);
    report.checked('after LOGIN_BLOCK_SEC=2 s the address logs in again (200)');
    for (let i = 0; i < 2; i++) expect((await wrong(p, 'x@example.com', '198.51.100.3')).status).toBe(401);
    expect(
      (
        await p
          .http()
          .post('/api/auth/login')
          .set('X-Forwarded-For', '198.51.100.3')
          .send({ username: 'tenant@example.com', password: 'tenant' })
      ).status,
    ).toBe(200);
    for (let i = 0; i < 2; i++) expect((await wrong(p, 'x@example.com', '198.51.100.3')).status).toBe(401);
    report.checked('2 failures, a success, 2 failures → still not blocked (a success clears the count)');
  });

  it('takes about as long for an unknown user as for a wrong password (bcrypt cost 10), so timing does not tell who exists', async () => {
    const time = async (username: string, i: number) => {
      const t0 = performance.now();
      const r = await wrong(p, username, `192.0.2.${i}`);
      expect(r.status).toBe(401);
      return performance.now() - t0;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time('tenant@example.com', i * 2 + 10));
      unknown.push(await time(`nobody${i}@example.com`, i * 2 + 11));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    report.checked(
      `median login time: wrong password ${median(known).toFixed(1)} ms, unknown user ${median(unknown).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`,
    );
  });
});
