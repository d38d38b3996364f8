import { io, type Socket } from 'socket.io-client';
import { IntegrationRuntime } from '../../src/modules/integrations/runtime/integration-runtime.js';
import { createConverter, createIntegration, rnd, SEQ_DECODER } from '../../src/modules/integrations/test-kit.js';
import { JwtService } from '../../src/modules/auth/jwt.service.js';
import { addDownlinkNode, createDevice, createDownlinkIntegration, replyDecoder, requestEncoder, subscriber, waitConnected } from '../../src/modules/rpc/rpc-kit.js';
import { JWT_KEY } from '../../src/modules/auth/jwt-key.js';
import { bearer, createTenantWithAdmin, eventually, startTestPlatform, type TestPlatform } from '../helpers.js';
import { SecurityReport } from './report.js';

// Issue 14, finding 5: a live connection lives only as long as the rights it was opened with.
const report = new SecurityReport('live sockets: revocation, rate limit, refused rooms');
afterAll(() => report.print());

type Ack = { ok: boolean; error?: string };

interface Client {
  s: Socket;
  telemetry: unknown[];
  ended: Promise<string>;
  closed: Promise<string>;
}

function connect(p: TestPlatform, token: string): Promise<Client> {
  const s = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false });
  const telemetry: unknown[] = [];
  s.on('telemetry', (x) => telemetry.push(x));
  const ended = new Promise<string>((r) => s.on('sessionEnded', (e: { reason: string }) => r(e.reason)));
  const closed = new Promise<string>((r) => s.on('disconnect', (reason) => r(reason)));
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve({ s, telemetry, ended, closed }));
    s.once('connect_error', (e) => reject(e));
  });
}
const subscribe = (c: Client, room: string) => c.s.timeout(5000).emitWithAck('subscribe', { room }) as Promise<Ack>;

async function newDevice(p: TestPlatform, token: string): Promise<string> {
  return (await p.http().post('/api/device').set(bearer(token)).send({ name: `Rev-${rnd()}`, type: 'sensor' })).body.id.id;
}
const postTelemetry = (p: TestPlatform, token: string, deviceId: string, v: number) =>
  p.http().post(`/api/plugins/telemetry/DEVICE/${deviceId}/timeseries/ANY`).set(bearer(token)).send({ temperature: v });

/** A second tenant administrator of the main tenant, through the API (create, activation link, activate). */
async function newTenantAdmin(p: TestPlatform): Promise<{ userId: string; token: string }> {
  const me = (await p.http().get('/api/auth/user').set(bearer(p.tenantToken))).body;
  const email = `live-${rnd()}@example.com`;
  const u = await p.http().post('/api/user').set(bearer(p.sysadminToken)).send({ email, authority: 'TENANT_ADMIN', tenantId: me.tenantId });
  const link: string = (await p.http().get(`/api/user/${u.body.id.id}/activationLink`).set(bearer(p.sysadminToken))).text;
  const activateToken = new URL(link, p.url).searchParams.get('activateToken');
  const a = await p.http().post('/api/noauth/activate').send({ activateToken, password: 'long-enough-1' });
  expect(a.status).toBe(200);
  return { userId: u.body.id.id, token: a.body.token };
}

const quiet = () => new Promise((r) => setTimeout(r, 400));

describe('live sockets lose their rights with the user, the tenant and the token', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ LIVE_MAX_SUBSCRIPTIONS: '5', LIVE_RATE_LIMIT: '20:1,100:60', LIVE_RECHECK_SEC: '3600' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('closes the sockets of a deleted user at once; they get no telemetry after', async () => {
    const admin = await newTenantAdmin(p);
    const device = await newDevice(p, p.tenantToken);
    const c = await connect(p, admin.token);
    expect(await subscribe(c, `device:${device}`)).toEqual({ ok: true });
    await postTelemetry(p, p.tenantToken, device, 1);
    await eventually(async () => c.telemetry.length === 1);
    expect((await p.http().delete(`/api/user/${admin.userId}`).set(bearer(p.sysadminToken))).status).toBe(200);
    expect(await c.ended).toBe('Your user was deleted');
    expect(await c.closed).toBe('io server disconnect');
    await postTelemetry(p, p.tenantToken, device, 2);
    await quiet();
    expect(c.telemetry).toHaveLength(1);
    report.checked('user deleted → its socket gets sessionEnded "Your user was deleted" and is closed; no telemetry after');
  });

  it('checks the user again on every subscribe: a disabled user is refused and closed', async () => {
    const admin = await newTenantAdmin(p);
    const device = await newDevice(p, p.tenantToken);
    const c = await connect(p, admin.token);
    expect(await subscribe(c, `device:${device}`)).toEqual({ ok: true });
    await p.db.query('UPDATE tb_user SET enabled = false WHERE id = $1', [admin.userId]);
    const ack = await subscribe(c, 'tenant');
    expect(ack).toEqual({ ok: false, error: 'Your access is no longer valid: User no longer exists' });
    expect(await c.ended).toBe('Your access is no longer valid: User no longer exists');
    await c.closed;
    report.checked(`user disabled, then subscribe → ${JSON.stringify(ack)}, socket closed`);
  });

  it('closes the sockets of a deleted tenant, after stopping its integrations', async () => {
    const other = await createTenantWithAdmin(p, `Doomed ${rnd()}`);
    const device = await newDevice(p, other.token);
    const conv = await createConverter(p, SEQ_DECODER, other.token);
    const integ = await createIntegration(p, { converterId: conv, filters: [{ filter: `rev/${rnd()}/#`, qos: 1 }] }, other.token);
    const runtime = p.app.get(IntegrationRuntime);
    await eventually(async () => runtime.status(other.tenantId, integ.id).status === 'CONNECTED');
    const c = await connect(p, other.token);
    expect(await subscribe(c, `device:${device}`)).toEqual({ ok: true });
    expect((await p.http().delete(`/api/tenant/${other.tenantId}`).set(bearer(p.sysadminToken))).status).toBe(200);
    // stopped before the rows went: nothing of the tenant keeps running or retrying
    expect(runtime.status(other.tenantId, integ.id).status).toBe('DISCONNECTED');
    expect(await c.ended).toBe('Your tenant was deleted');
    await c.closed;
    report.checked('tenant deleted → its integration stopped before the DELETE answered, its socket got "Your tenant was deleted" and was closed');
  });

  it("ends a deleted tenant's waiting two-way RPC calls at once instead of leaving them to time out", async () => {
    const other = await createTenantWithAdmin(p, `Doomed RPC ${rnd()}`);
    const prefix = `rev-rpc/${rnd()}`;
    const integ = await createDownlinkIntegration(p, {
      decoder: replyDecoder(prefix),
      encoder: requestEncoder(prefix),
      filters: [{ filter: `${prefix}/+/rx/response`, qos: 1 }],
      token: other.token,
    });
    await addDownlinkNode(p, integ.id, other.token);
    await waitConnected(p, integ.id, other.token);
    const device = await createDevice(p, 'SN-RPC', other.token);
    const dev = await subscriber(p.mqttUrl, `${prefix}/SN-RPC/rx`);
    const t0 = Date.now();
    const call = p.http().post(`/api/plugins/rpc/twoway/${device}`).set(bearer(other.token)).send({ method: 'getValue', params: {}, timeout: 25000 });
    const answered = new Promise<{ status: number; message: string; ms: number }>(
      (r) => void call.then((res) => r({ status: res.status, message: res.body.message, ms: Date.now() - t0 })),
    );
    await dev.next();
    expect((await p.http().delete(`/api/tenant/${other.tenantId}`).set(bearer(p.sysadminToken))).status).toBe(200);
    const { status, message, ms } = await answered;
    await dev.client.endAsync();
    expect(ms).toBeLessThan(5000);
    expect([status, message]).toEqual([410, "The RPC 'getValue' to device 'SN-RPC' ended without a reply: its tenant was deleted"]);
    report.checked(`tenant deleted while a two-way call (timeout 25 s) waited for its device → after ${ms} ms ${status} "${message}"`);
  });

  it('closes a socket when its token expires, and refuses a token that has already expired', async () => {
    const me = (await p.http().get('/api/auth/user').set(bearer(p.tenantToken))).body;
    const shortLived = new JwtService(p.app.get(JWT_KEY), 2, 60);
    const claims = { sub: me.email, userId: me.id.id, tenantId: me.tenantId.id, scopes: ['TENANT_ADMIN' as const] };
    const device = await newDevice(p, p.tenantToken);
    const c = await connect(p, shortLived.signAccess(claims));
    expect(await subscribe(c, `device:${device}`)).toEqual({ ok: true });
    expect(await c.ended).toBe('Your access token has expired: connect again with a new one');
    await c.closed;
    await postTelemetry(p, p.tenantToken, device, 3);
    await quiet();
    expect(c.telemetry).toEqual([]);
    report.checked('a socket whose 2 s token expires is closed with "Your access token has expired…" and gets nothing after');

    const expired = new JwtService(p.app.get(JWT_KEY), -10, 60).signAccess(claims);
    await expect(connect(p, expired)).rejects.toThrow(/Authentication failed: Token has expired/);
    report.checked('a socket opened with an expired token is refused: "Authentication failed: Token has expired"');
  });

  it('counts refused rooms against LIVE_MAX_SUBSCRIPTIONS', async () => {
    const device = await newDevice(p, p.tenantToken);
    const c = await connect(p, p.tenantToken);
    for (let i = 0; i < 5; i++) {
      const ack = await subscribe(c, `device:00000000-0000-4000-8000-00000000000${i}`);
      expect(ack.error).toMatch(/^No device with id .* in your tenant$/);
    }
    const ack = await subscribe(c, `device:${device}`);
    expect(ack).toEqual({
      ok: false,
      error: 'Too many subscriptions on this connection: at most 5 (LIVE_MAX_SUBSCRIPTIONS, refused ones included); unsubscribe from a room first',
    });
    c.s.disconnect();
    report.checked(`5 refused rooms with a cap of 5, then a real device → "${ack.error}"`);
  });

  it('limits the messages of one socket (LIVE_RATE_LIMIT) without a lookup for each', async () => {
    const c = await connect(p, p.tenantToken);
    const acks = await Promise.all(Array.from({ length: 60 }, () => c.s.timeout(5000).emitWithAck('unsubscribe', { room: 'tenant' }) as Promise<Ack>));
    const limited = acks.filter((a) => !a.ok);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(20);
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(25);
    expect(limited[0]!.error).toMatch(/^Too many messages on this connection: the limit is 20 per 1 s and 100 per 60 s \(LIVE_RATE_LIMIT\); retry in \d+ s$/);
    const other = await connect(p, p.tenantToken);
    expect(await subscribe(other, 'tenant')).toEqual({ ok: true });
    c.s.disconnect();
    other.s.disconnect();
    report.checked(`60 messages in one burst, limit 20:1 → ${acks.length - limited.length} answered, ${limited.length} refused "${limited[0]!.error}"; another socket is not slowed`);
  });
});

describe('live sockets are re-checked periodically', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ LIVE_RECHECK_SEC: '1' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('closes the socket of a user disabled behind its back within LIVE_RECHECK_SEC', async () => {
    const admin = await newTenantAdmin(p);
    const c = await connect(p, admin.token);
    expect(await subscribe(c, 'tenant')).toEqual({ ok: true });
    const t0 = Date.now();
    await p.db.query('UPDATE tb_user SET enabled = false WHERE id = $1', [admin.userId]);
    expect(await c.ended).toBe('Your user no longer exists or was disabled');
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(3000);
    report.checked(`user disabled in the database, no message from the socket → closed after ${ms} ms (LIVE_RECHECK_SEC=1)`);
  });
});
