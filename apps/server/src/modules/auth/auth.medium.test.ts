import jwt from 'jsonwebtoken';
import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

describe('authentication', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ JWT_TOKEN_TTL_SEC: '10' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('logs in with the first-start tenant account and returns the current user', async () => {
    const r = await p.http().post('/api/auth/login').send({ username: 'tenant@example.com', password: 'tenant' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ token: expect.any(String), refreshToken: expect.any(String) });
    const me = await p.http().get('/api/auth/user').set(bearer(r.body.token));
    expect(me.body).toMatchObject({ email: 'tenant@example.com', authority: 'TENANT_ADMIN', id: { entityType: 'USER' } });
    // the plain Authorization header works too
    const me2 = await p.http().get('/api/auth/user').set('Authorization', `Bearer ${r.body.token}`);
    expect(me2.status).toBe(200);
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await p.http().post('/api/auth/login').send({ username: 'tenant@example.com', password: 'nope' });
    const unknown = await p.http().post('/api/auth/login').send({ username: 'ghost@example.com', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(wrong.body).toMatchObject({ status: 401, errorCode: 10 });
  });

  it('refuses calls without a token', async () => {
    const r = await p.http().get('/api/tenant/devices?pageSize=10&page=0');
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/token/);
  });

  it('refreshes a token pair once; reusing the old refresh token is refused', async () => {
    const login = await p.http().post('/api/auth/login').send({ username: 'tenant@example.com', password: 'tenant' });
    const r1 = await p.http().post('/api/auth/token').send({ refreshToken: login.body.refreshToken });
    expect(r1.status).toBe(200);
    expect((await p.http().get('/api/auth/user').set(bearer(r1.body.token))).status).toBe(200);
    const reuse = await p.http().post('/api/auth/token').send({ refreshToken: login.body.refreshToken });
    expect(reuse.status).toBe(401);
    // an access token is not a refresh token
    expect((await p.http().post('/api/auth/token').send({ refreshToken: r1.body.token })).status).toBe(401);
  });

  it('refuses expired, tampered, wrongly signed and alg:none tokens', async () => {
    const good = p.tenantToken;
    const claims = jwt.decode(good) as Record<string, unknown>;
    const [h, , s] = good.split('.');
    const tamperedPayload = Buffer.from(JSON.stringify({ ...claims, scopes: ['SYS_ADMIN'] })).toString('base64url');
    const tampered = `${h}.${tamperedPayload}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const { exp: _e, iat: _i, ...rest } = claims;
    const wrongKey = jwt.sign(rest, 'another-key-that-is-long-enough-0123456789', { algorithm: 'HS512', expiresIn: 60 });
    const [{ value: realKey }] = await p.db.query<{ value: string }>("SELECT value FROM installation WHERE key = 'jwt.signingKey'");
    const expired = jwt.sign({ ...rest, exp: Math.floor(Date.now() / 1000) - 10 }, realKey!, { algorithm: 'HS512' });
    const notYet = jwt.sign({ ...rest, nbf: Math.floor(Date.now() / 1000) + 600 }, realKey!, { algorithm: 'HS512', expiresIn: 3600 });
    const hs256 = jwt.sign(rest, realKey!, { algorithm: 'HS256', expiresIn: 60 });
    const control = jwt.sign(rest, realKey!, { algorithm: 'HS512', expiresIn: 60 });
    expect((await p.http().get('/api/auth/user').set(bearer(control))).status).toBe(200);
    for (const t of [tampered, none, wrongKey, expired, notYet, hs256, 'garbage']) {
      const r = await p.http().get('/api/auth/user').set(bearer(t));
      expect(r.status).toBe(401);
    }
    const exp = await p.http().get('/api/auth/user').set(bearer(expired));
    expect(exp.body).toMatchObject({ errorCode: 11, message: 'Token has expired' });
  });

  it('lets an access token expire', async () => {
    const short = await startTestPlatform({ JWT_TOKEN_TTL_SEC: '10' });
    try {
      const claims = jwt.decode(short.tenantToken) as { exp: number };
      expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(10);
    } finally {
      await short.stop();
    }
  });

  it('lets a system admin create a tenant and its admin, who can then log in; a tenant admin cannot', async () => {
    const other = await createTenantWithAdmin(p, 'Acme');
    const me = await p.http().get('/api/auth/user').set(bearer(other.token));
    expect(me.body.tenantId.id).toBe(other.tenantId);
    expect((await p.http().post('/api/tenant').set(bearer(p.tenantToken)).send({ title: 'Nope' })).status).toBe(403);
    const tenants = await p.http().get('/api/tenants?pageSize=10&page=0').set(bearer(p.sysadminToken));
    expect(tenants.body.data.map((t: { title: string }) => t.title)).toEqual(expect.arrayContaining(['Tenant', 'Acme']));
    // a system admin does not see tenant data
    expect((await p.http().get('/api/tenant/devices?pageSize=10&page=0').set(bearer(p.sysadminToken))).status).toBe(403);
  });

  it('refuses the token of a deleted user', async () => {
    const other = await createTenantWithAdmin(p, 'Gone Inc');
    const me = await p.http().get('/api/auth/user').set(bearer(other.token));
    await p.http().delete(`/api/user/${me.body.id.id}`).set(bearer(p.sysadminToken)).expect(200);
    expect((await p.http().get('/api/auth/user').set(bearer(other.token))).status).toBe(401);
  });

  it('answers health without a token, naming the database state', async () => {
    const r = await p.http().get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'UP', database: { status: 'UP' } });
  });

  it('serves the OpenAPI document', async () => {
    const r = await p.http().get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.paths['/api/auth/login']).toBeDefined();
  });
});
