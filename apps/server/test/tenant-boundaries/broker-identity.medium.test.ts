import mqtt from 'mqtt';
import { bearer, createTenantWithAdmin, eventually, startTestPlatform, type TestPlatform } from '../helpers.js';
import {
  countPoints,
  createConverter,
  createIntegration,
  deviceByName,
  dropSession,
  integrationBody,
  publisher,
  rnd,
  SEQ_DECODER,
  waitStatus,
} from '../../src/modules/integrations/test-kit.js';

// Issue 14, finding 1: tenant B learned A's client id from the heartbeat topic and took A's session over.
describe('broker identity per tenant (issue 14, finding 1)', () => {
  let p: TestPlatform;
  let b: { tenantId: string; token: string };
  const sessions: string[] = [];

  beforeAll(async () => {
    p = await startTestPlatform({ INTEGRATION_HEARTBEAT_SEC: '1', INTEGRATION_RECONNECT_MIN_MS: '200', INTEGRATION_RECONNECT_MAX_MS: '2000' });
    b = await createTenantWithAdmin(p, 'Tenant B');
  });
  afterAll(async () => {
    for (const c of sessions) await dropSession(p.mqttUrl, c).catch(() => undefined);
    await p.stop();
  });

  it("two tenants, one broker, QoS 1: B cannot learn or take A's session; 0 of A's messages are stored in B and A never flaps", async () => {
    const prefix = `hijack-${rnd()}`;
    // A: the client id is left empty, as most users do
    const convA = await createConverter(p, SEQ_DECODER);
    const body = integrationBody(p, { converterId: convA, filters: [{ filter: `${prefix}/a/#`, qos: 1 }], cleanSession: false }) as {
      configuration: { clientConfiguration: Record<string, unknown> };
    };
    delete body.configuration.clientConfiguration.clientId;
    const ra = await p.http().post('/api/integration').set(bearer(p.tenantToken)).send(body);
    expect(ra.status).toBe(200);
    const a = ra.body.id.id as string;
    await waitStatus(p, a, 'CONNECTED');
    const [row] = await p.db.query<{ id: string; c: string }>(`SELECT id, secrets->>'generatedClientId' AS c FROM integration WHERE id = $1`, [a]);
    const clientIdA = row!.c;
    sessions.push(clientIdA);
    expect(clientIdA).toMatch(/^bb_[0-9a-f]{24}$/);
    expect(clientIdA).not.toContain(a.replace(/-/g, ''));

    // what B sees listening on the whole broker for 3 heartbeats: nothing that names A
    const spy = await mqtt.connectAsync(p.mqttUrl, { clientId: `spy-${rnd()}`, reconnectPeriod: 0 });
    const topics = new Set<string>();
    spy.on('message', (t) => topics.add(t));
    await spy.subscribeAsync(['#', 'bridgeboard/#']);
    await new Promise((r) => setTimeout(r, 3500));
    await spy.endAsync();
    const beats = [...topics].filter((t) => t.startsWith('bridgeboard/heartbeat/'));
    expect(beats.length).toBeGreaterThan(0);
    for (const t of beats) {
      expect(t).not.toContain(clientIdA);
      expect(t).not.toContain(a.replace(/-/g, ''));
    }

    // B may not subscribe to the platform's topics through an integration
    const convB = await createConverter(p, SEQ_DECODER, b.token);
    const reserved = await p.http().post('/api/integration').set(bearer(b.token)).send(integrationBody(p, { converterId: convB, filters: [{ filter: 'bridgeboard/heartbeat/#', qos: 0 }] }));
    expect(reserved.status).toBe(400);
    expect(reserved.body.message).toBe(
      "Invalid configuration.topicFilters.0.filter: topic filter 'bridgeboard/heartbeat/#' must not start with 'bridgeboard/': the platform reserves those topics for itself",
    );

    // had B learned A's client id anyway, saving it is refused, under another name for the same broker too
    for (const host of ['127.0.0.1', 'localhost']) {
      const taken = await p
        .http()
        .post('/api/integration')
        .set(bearer(b.token))
        .send(integrationBody(p, { converterId: convB, filters: [{ filter: `${prefix}/b/#`, qos: 1 }], clientId: clientIdA, host }));
      expect(taken.status).toBe(409);
      expect(taken.body.message).toBe(
        `Invalid configuration.clientConfiguration.clientId: client id '${clientIdA}' is already used by another integration on broker host '${host}'; ` +
          "two connections with one client id take over each other's session and messages. Choose another client id, or leave it empty to have a private one generated",
      );
    }

    // B does what worked before: connects with what the heartbeat topic told it, persistent session
    const learned = beats[0]!.slice('bridgeboard/heartbeat/'.length);
    const ib = await createIntegration(p, { converterId: convB, filters: [{ filter: `${prefix}/b/#`, qos: 1 }], clientId: learned, cleanSession: false }, b.token);
    sessions.push(learned);
    await eventually(async () => (await p.http().get(`/api/integration/${ib.id}/status`).set(bearer(b.token))).body.status === 'CONNECTED', 15000);

    // A's device sends 40 QoS 1 messages while A's status is watched
    const statuses = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        statuses.add((await p.http().get(`/api/integration/${a}/status`).set(bearer(p.tenantToken))).body.status);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const device = `A-${rnd()}`;
    const pub = await publisher(p.mqttUrl);
    const base = Date.now() - 1000;
    for (let n = 0; n < 40; n++) await pub.publishAsync(`${prefix}/a/${device}`, JSON.stringify({ d: device, seq: n, ts: base + n }), { qos: 1 });
    await pub.endAsync();
    const mine = await eventually(() => deviceByName(p, device), 10000);
    await eventually(async () => (await countPoints(p, mine.id.id)) === 40, 10000);
    await new Promise((r) => setTimeout(r, 2000));
    watching = false;
    await watch;

    expect(await countPoints(p, mine.id.id)).toBe(40);
    expect(await deviceByName(p, device, b.token)).toBeNull();
    const [inB] = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM device WHERE tenant_id = $1', [b.tenantId]);
    expect(Number(inB!.n)).toBe(0);
    expect([...statuses]).toEqual(['CONNECTED']);
    const events = (await p.http().get(`/api/events/INTEGRATION/${a}?pageSize=100&page=0`).set(bearer(p.tenantToken))).body.data as { body: { type?: string; status?: string } }[];
    expect(events.filter((e) => e.body.type === 'Status' && e.body.status !== 'CONNECTED')).toEqual([]);
  }, 60_000);
});
