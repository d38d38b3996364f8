import jwt from 'jsonwebtoken';
import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../helpers.js';
import { SecurityReport } from './report.js';

// Issue 10, point 14. src/modules/auth/auth.medium.test.ts already refuses alg:none, a wrong key,
// expired, not-yet-valid, tampered (scopes) and HS256 access tokens, a deleted user's access token
// and a reused refresh token. This file adds what it does not check.
const report = new SecurityReport('JWT suite (complements auth.medium.test.ts)');
afterAll(() => report.print());

describe('JWT and refresh tokens', () => {
  let p: TestPlatform;
  let key: string;
  const login = async (username = 'tenant@example.com', password = 'tenant') =>
    (await p.http().post('/api/auth/login').send({ username, password })).body as {
      token: string;
      refreshToken: string;
    };
  const user = (token: string) => p.http().get('/api/auth/user').set(bearer(token));
  const refresh = (refreshToken: string) => p.http().post('/api/auth/token').send({ refreshToken });

  beforeAll(async () => {
    p = await startTestPlatform({ JWT_REFRESH_TTL_SEC: '60' });
    const [row] = await p.db.query<{ value: string }>(
      "SELECT value FROM installation WHERE key = 'jwt.signingKey'",
    );
    key = row!.value;
  });
  afterAll(async () => {
    await p.stop();
  });

  it('revokes the whole refresh chain when a rotated refresh token is replayed (theft detection)', async () => {
    const first = await login();
    const second = (await refresh(first.refreshToken)).body as { refreshToken: string };
    expect((await refresh(first.refreshToken)).status).toBe(401);
    const stolen = await refresh(second.refreshToken);
    expect(stolen.status).toBe(401);
    expect(stolen.body.message).toMatch(/Refresh token was already used/);
    report.checked(
      'replaying a rotated refresh token → 401, and the newer refresh token of that chain is revoked too (401)',
    );
    expect((await refresh((await login()).refreshToken)).status).toBe(200);
    report.checked('a fresh login still gets a working refresh token afterwards');
  });

  it('refuses a refresh token as an access token, and a refresh token that expired or is signed with another key', async () => {
    const pair = await login();
    const asAccess = await user(pair.refreshToken);
    expect(asAccess.status).toBe(401);
    report.checked(`refresh token sent as access token → 401 "${asAccess.body.message}"`);
    const claims = jwt.decode(pair.refreshToken) as Record<string, unknown>;
    const { exp: _e, iat: _i, ...rest } = claims;
    const expired = jwt.sign({ ...rest, exp: Math.floor(Date.now() / 1000) - 5 }, key, {
      algorithm: 'HS512',
    });
    const forged = jwt.sign(rest, 'some-other-key-that-is-long-enough-0123456789', {
      algorithm: 'HS512',
      expiresIn: 60,
    });
    for (const [name, t] of [
      ['expired refresh token', expired],
      ['refresh token signed with another key', forged],
    ] as const) {
      const r = await refresh(t);
      expect(r.status).toBe(401);
      report.checked(`${name} → 401 "${r.body.message}"`);
    }
  });

  it("refuses a deleted user's refresh token", async () => {
    const other = await createTenantWithAdmin(p, 'Leaving Corp');
    const me = await user(other.token);
    const email = me.body.email as string;
    const pair = await login(email, 'secret-pass');
    await p.http().delete(`/api/user/${me.body.id.id}`).set(bearer(p.sysadminToken)).expect(200);
    const r = await refresh(pair.refreshToken);
    expect(r.status).toBe(401);
    report.checked(`refresh token of a deleted user → 401 "${r.body.message}"`);
  });

  it('takes authority and tenant from the database, not from the token (a validly signed token claiming more gets nothing more)', async () => {
    const b = await createTenantWithAdmin(p, 'Claimed Corp');
    const claims = jwt.decode(p.tenantToken) as Record<string, unknown>;
    const { exp: _e, iat: _i, iss: _s, ...rest } = claims;
    const inflated = jwt.sign({ ...rest, scopes: ['SYS_ADMIN'], tenantId: b.tenantId }, key, {
      algorithm: 'HS512',
      expiresIn: 60,
      issuer: 'bridgeboard',
    });
    const me = await user(inflated);
    expect(me.status).toBe(200);
    expect(me.body.authority).toBe('TENANT_ADMIN');
    expect(me.body.tenantId.id).not.toBe(b.tenantId);
    expect((await p.http().get('/api/tenants?pageSize=10&page=0').set(bearer(inflated))).status).toBe(403);
    report.checked(
      'token signed with the real key claiming SYS_ADMIN and another tenant → still TENANT_ADMIN of its own tenant; /api/tenants 403',
    );
  });

  it('refuses tokens with tampered user or tenant claims, another issuer, or sent in the query string', async () => {
    const good = p.tenantToken;
    const claims = jwt.decode(good) as Record<string, unknown>;
    const [h, , s] = good.split('.');
    const swap = (extra: Record<string, unknown>) =>
      `${h}.${Buffer.from(JSON.stringify({ ...claims, ...extra })).toString('base64url')}.${s}`;
    const { exp: _e, iat: _i, iss: _s, ...rest } = claims;
    const cases: [string, string][] = [
      ['tampered userId', swap({ userId: '00000000-0000-4000-8000-000000000001' })],
      ['tampered tenantId', swap({ tenantId: '00000000-0000-4000-8000-000000000002' })],
      ['tampered exp (extended)', swap({ exp: Math.floor(Date.now() / 1000) + 86400 * 365 })],
      [
        'right key, issuer "thingsboard"',
        jwt.sign(rest, key, { algorithm: 'HS512', expiresIn: 60, issuer: 'thingsboard' }),
      ],
      ['right key, no issuer', jwt.sign(rest, key, { algorithm: 'HS512', expiresIn: 60 })],
      [
        'right key, typ refresh',
        jwt.sign({ ...rest, typ: 'refresh', jti: 'x' }, key, {
          algorithm: 'HS512',
          expiresIn: 60,
          issuer: 'bridgeboard',
        }),
      ],
    ];
    for (const [name, t] of cases) {
      const r = await user(t);
      expect({ name, status: r.status }).toEqual({ name, status: 401 });
      report.checked(`${name} → 401 "${r.body.message}"`);
    }
    const q = await p.http().get(`/api/auth/user?token=${good}`);
    expect(q.status).toBe(401);
    report.checked(
      'a valid token in ?token= (not the header) → 401: tokens are only read from headers, so they do not end up in access logs',
    );
  });
});
