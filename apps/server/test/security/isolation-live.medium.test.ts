import jwt from 'jsonwebtoken';
import { io as connect, type Socket } from 'socket.io-client';
import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../helpers.js';
import { SecurityReport } from './report.js';

// Issue 10, points 12 (socket.io rooms) and 16 (subscriptions per connection), through the platform.
const report = new SecurityReport('tenant isolation and caps (socket.io live updates)');
afterAll(() => report.print());

type Ack = { ok: boolean; error?: string };

describe('live updates across tenants', () => {
  let p: TestPlatform;
  let b: { tenantId: string; token: string };
  const sockets: Socket[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    p = await startTestPlatform({ REST_RATE_LIMIT_TENANT: 'off', LIVE_MAX_SUBSCRIPTIONS: '4' });
    b = await createTenantWithAdmin(p, 'Live B');
    const a = bearer(p.tenantToken);
    const post = async (url: string, body: unknown, auth = a) => {
      const r = await p
        .http()
        .post(url)
        .set(auth)
        .send(body as object);
      if (r.status !== 200) throw new Error(`${url}: ${r.status} ${r.text}`);
      return r.body as { id: { id: string } };
    };
    ids.deviceA = (await post('/api/device', { name: 'live-A', type: 'x' })).id.id;
    ids.deviceB = (await post('/api/device', { name: 'live-B', type: 'x' }, bearer(b.token))).id.id;
    ids.converterA = (
      await post('/api/converter', {
        name: 'live-A-conv',
        type: 'UPLINK',
        configuration: { scriptLang: 'JS', decoder: 'return {deviceName: "x", deviceType: "y"};' },
      })
    ).id.id;
    ids.integrationA = (
      await post('/api/integration', {
        name: 'live-A-int',
        type: 'MQTT',
        enabled: false,
        defaultConverterId: { entityType: 'CONVERTER', id: ids.converterA },
        configuration: {
          clientConfiguration: { host: '127.0.0.1', port: 1883 },
          topicFilters: [{ filter: 'live/#', qos: 0 }],
        },
      })
    ).id.id;
    const chains = (await p.http().get('/api/ruleChains?pageSize=10&page=0').set(a)).body.data as {
      id: { id: string };
    }[];
    const meta = (await p.http().get(`/api/ruleChain/${chains[0]!.id.id}/metadata`).set(a)).body as {
      nodes: { id: { id: string } }[];
    };
    ids.ruleNodeA = meta.nodes[0]!.id.id;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await p.stop();
  });

  const open = (token: string) => {
    const s = connect(p.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      auth: { token },
    });
    sockets.push(s);
    return new Promise<Socket>((resolve, reject) => {
      s.on('connect', () => resolve(s));
      s.on('connect_error', (e) => reject(e));
    });
  };
  const sub = (s: Socket, room: string) => s.timeout(3000).emitWithAck('subscribe', { room }) as Promise<Ack>;

  it("refuses tenant B's socket every room of tenant A's entities, and B receives none of A's events", async () => {
    // probed on a connection of its own: refused rooms count against LIVE_MAX_SUBSCRIPTIONS (4 here)
    const probe = await open(b.token);
    for (const [room, label] of [
      [`device:${ids.deviceA}`, 'device'],
      [`integration:${ids.integrationA}`, 'integration'],
      [`converter:${ids.converterA}`, 'converter'],
      [`rulenode:${ids.ruleNodeA}`, 'rule node'],
    ] as const) {
      const ack = await sub(probe, room);
      expect(ack.ok).toBe(false);
      expect(ack.error).toMatch(/No .* in your tenant|not available/);
      report.checked(`B subscribes to A's ${label} room → {ok: false, "${ack.error}"}`);
    }
    const sb = await open(b.token);
    expect(await sub(sb, 'tenant')).toEqual({ ok: true });
    expect(await sub(sb, `device:${ids.deviceB}`)).toEqual({ ok: true });
    report.checked("B subscribes to its own 'tenant' room and its own device → ok");

    const got: string[] = [];
    sb.onAny((event: string, payload: unknown) => got.push(`${event} ${JSON.stringify(payload)}`));
    const sa = await open(p.tenantToken);
    expect(await sub(sa, `device:${ids.deviceA}`)).toEqual({ ok: true });
    expect(await sub(sa, 'tenant')).toEqual({ ok: true });
    const aGot = new Promise<unknown>((r) => sa.on('telemetry', r));
    await p
      .http()
      .post(`/api/plugins/telemetry/DEVICE/${ids.deviceA}/timeseries/ANY`)
      .set(bearer(p.tenantToken))
      .send({ secretTemp: 42 })
      .expect(200);
    await p
      .http()
      .post('/api/device')
      .set(bearer(p.tenantToken))
      .send({ name: 'live-A-2', type: 'x' })
      .expect(200);
    await aGot;
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toEqual([]);
    report.checked(
      "A's telemetry and a new device of A reach A's socket; B's socket (subscribed to 'tenant') gets 0 events in 500 ms",
    );
  });

  it('refuses a socket without a valid tenant token', async () => {
    const claims = jwt.decode(p.tenantToken) as Record<string, unknown>;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    for (const [name, token] of [
      ['no token', ''],
      ['garbage', 'garbage'],
      ['alg none', none],
      ['a system administrator', p.sysadminToken],
    ] as const) {
      const err = await open(token).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(err).toMatch(/Authentication failed|tenant administrator/);
      report.checked(`socket handshake with ${name} → refused: "${err}"`);
    }
  });

  it('caps subscriptions per connection (LIVE_MAX_SUBSCRIPTIONS=4) with a sentence', async () => {
    const s = await open(b.token);
    const rooms = ['tenant', `device:${ids.deviceB}`];
    for (const r of rooms) expect(await sub(s, r)).toEqual({ ok: true });
    // refused rooms (A's) count too (issue 14): each cost a lookup
    expect((await sub(s, `device:${ids.deviceA}`)).ok).toBe(false);
    const more: string[] = [];
    for (let i = 0; i < 2; i++) {
      const d = await p
        .http()
        .post('/api/device')
        .set(bearer(b.token))
        .send({ name: `live-B-${i}`, type: 'x' });
      more.push(`device:${d.body.id.id}`);
    }
    expect(await sub(s, more[0]!)).toEqual({ ok: true });
    const over = await sub(s, more[1]!);
    expect(over).toEqual({
      ok: false,
      error:
        'Too many subscriptions on this connection: at most 4 (LIVE_MAX_SUBSCRIPTIONS, refused ones included); unsubscribe from a room first',
    });
    report.checked(`3 rooms joined and 1 refused, then a 5th on one connection → {ok: false, "${over.error}"}`);
  });
});
