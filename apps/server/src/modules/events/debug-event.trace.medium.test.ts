import { io, type Socket } from 'socket.io-client';
import {
  GUIDE_DECODER,
  GUIDE_DECODER_TWOWAY,
  GUIDE_ENCODER,
  GUIDE_ENCODER_TWOWAY,
  type DebugEvent,
} from '@bridgeboard/contracts';
import { DebugEventService } from './debug-event.service.js';
import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import {
  createConverter,
  createIntegration,
  deviceByName,
  publisher,
  rnd,
} from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  createDownlinkIntegration,
  subscriber,
  waitConnected,
} from '../rpc/rpc-kit.js';

type Trace = { traceId: string; events: DebugEvent[] };

/** Switches debug mode on for a converter or an integration (GET, then save it back). */
async function debugOn(
  p: TestPlatform,
  token: string,
  kind: 'converter' | 'integration',
  id: string,
): Promise<void> {
  const auth = bearer(token);
  const cur = await p.http().get(`/api/${kind}/${id}`).set(auth).expect(200);
  await p
    .http()
    .post(`/api/${kind}`)
    .set(auth)
    .send({ ...cur.body, debugMode: true })
    .expect(200);
}

/** Every node of the tenant's Root Rule Chain in debug mode. */
async function chainDebugOn(p: TestPlatform, token: string): Promise<void> {
  const auth = bearer(token);
  const chains = await p.http().get('/api/ruleChains?pageSize=10&page=0').set(auth);
  const root = chains.body.data.find((c: { root: boolean }) => c.root);
  const md = (await p.http().get(`/api/ruleChain/${root.id.id}/metadata`).set(auth)).body;
  for (const n of md.nodes) n.debugMode = true;
  await p.http().post('/api/ruleChain/metadata').set(auth).send(md).expect(200);
}

const trace = async (p: TestPlatform, token: string, id: string): Promise<Trace> =>
  (await p.http().get(`/api/events/trace/${id}`).set(bearer(token)).expect(200)).body as Trace;

const kinds = (t: Trace) => t.events.map((e) => e.entityId.entityType);

/** Waits until the device's latest temperature is `value` (its message is committed and pushed), then a browser may watch. */
async function stored(p: TestPlatform, token: string, deviceId: string, value: number): Promise<void> {
  await eventually(async () => {
    const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?keys=temperature`).set(bearer(token));
    return Number(r.body.temperature?.[0]?.value) === value;
  }, 20_000);
}

/** A browser-like socket.io client subscribed to one room. */
async function subscribed(p: TestPlatform, token: string, room: string): Promise<Socket> {
  const s = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  expect(await s.emitWithAck('subscribe', { room })).toEqual({ ok: true });
  return s;
}

describe('one trace per message (GET /api/events/trace/{traceId})', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it("a guide uplink's trace holds its integration, converter and rule node events and its live push, in time order, and none of the next message's", async () => {
    const t = await createTenantWithAdmin(p, `Trace ${rnd()}`);
    const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const converterId = await createConverter(p, GUIDE_DECODER, t.token);
    await debugOn(p, t.token, 'converter', converterId);
    const { id } = await createIntegration(
      p,
      {
        name: 'MQTT Integration',
        converterId,
        filters: [{ filter: `${prefix}/+/temperature`, qos: 1 }],
        cleanSession: true,
        debugMode: true,
      },
      t.token,
    );
    await chainDebugOn(p, t.token);
    await waitConnected(p, id, t.token);
    const pub = await publisher(p.mqttUrl);
    // the first message makes the device; a browser then watches it, so the traced message is pushed live
    await pub.publishAsync(`${prefix}/SN-001/temperature`, '{"value":24.0}', { qos: 1 });
    const device = await eventually(() => deviceByName(p, 'SN-001', t.token));
    await stored(p, t.token, device.id.id, 24);
    const browser = await subscribed(p, t.token, `device:${device.id.id}`);
    const pushed: unknown[] = [];
    browser.on('telemetry', (x: unknown) => pushed.push(x));
    await pub.publishAsync(`${prefix}/SN-001/temperature`, '{"value":25.1}', { qos: 1 });
    await eventually(async () => pushed.length === 1, 20_000);
    await pub.publishAsync(`${prefix}/SN-001/temperature`, '{"value":26.3}', { qos: 1 });
    await pub.endAsync();

    const uplink = await eventually(async () => {
      const r = await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=50&page=0`).set(bearer(t.token));
      return (r.body.data as DebugEvent[]).find(
        (e) => e.body.type === 'Uplink' && e.body.in === '{"value":25.1}',
      );
    });
    expect(uplink.traceId).toMatch(/^[0-9a-f-]{36}$/);
    const tr = await eventually(async () => {
      const x = await trace(p, t.token, uplink.traceId!);
      return x.events.some((e) => e.type === 'DEBUG_LIVE') ? x : null;
    });
    browser.disconnect();
    expect(tr.traceId).toBe(uplink.traceId);
    expect(new Set(kinds(tr))).toEqual(new Set(['INTEGRATION', 'CONVERTER', 'RULE_NODE', 'DEVICE']));
    // the converter decoded this message, the rule nodes saw this message's data, nothing of 26.3 is in it
    expect(tr.events.find((e) => e.entityId.entityType === 'CONVERTER')!.body).toMatchObject({
      in: '{"value":25.1}',
    });
    const nodeData = tr.events
      .filter((e) => e.entityId.entityType === 'RULE_NODE')
      .map((e) => String(e.body.data));
    expect(nodeData.some((d) => d.includes('25.1'))).toBe(true);
    expect(JSON.stringify(tr.events)).not.toContain('26.3');
    // the Save Timeseries node reported Success: the save is part of the journey
    expect(
      tr.events.some(
        (e) =>
          e.body.msgType === 'POST_TELEMETRY_REQUEST' &&
          e.body.type === 'OUT' &&
          e.body.relationType === 'Success',
      ),
    ).toBe(true);
    // the live push: the one browser subscribed to the device got this message's temperature (and its attribute)
    const live = tr.events.filter((e) => e.type === 'DEBUG_LIVE');
    const pushedTo = { sockets: 1, rooms: [`device:${device.id.id}`], otherNodes: 0, node: expect.any(String) };
    expect(live.map((e) => e.body)).toEqual([
      { type: 'LIVE', event: 'telemetry', keys: ['temperature'], ...pushedTo },
      { type: 'LIVE', event: 'attributes', keys: ['integrationName'], scope: 'SERVER_SCOPE', ...pushedTo },
    ]);
    expect(live.every((e) => e.entityId.entityType === 'DEVICE' && e.entityId.id === device.id.id)).toBe(true);
    expect(pushed[0]).toEqual({ deviceId: device.id.id, data: { temperature: [{ ts: expect.any(Number), value: 25.1 }] } });
    // time order, the converter before any rule node, the live pushes after every rule node event (the Save nodes' Success is the commit)
    const times = tr.events.map((e) => e.createdTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(kinds(tr).indexOf('CONVERTER')).toBeLessThan(kinds(tr).indexOf('RULE_NODE'));
    expect(tr.events.indexOf(live[0]!)).toBeGreaterThan(kinds(tr).lastIndexOf('RULE_NODE'));
    expect(tr.events.every((e) => e.traceId === uplink.traceId)).toBe(true);

    // another tenant sees an empty journey, a malformed id is a clear 400
    expect((await trace(p, p.tenantToken, uplink.traceId!)).events).toEqual([]);
    const bad = await p.http().get('/api/events/trace/not-a-uuid').set(bearer(t.token));
    expect(bad.status).toBe(400);
  });

  it('records the live push only for a message something debugs: nothing while debug mode is off everywhere, the push once the integration alone debugs', async () => {
    const t = await createTenantWithAdmin(p, `Live ${rnd()}`);
    const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const converterId = await createConverter(p, GUIDE_DECODER, t.token);
    const { id } = await createIntegration(
      p,
      { name: 'MQTT Integration', converterId, filters: [{ filter: `${prefix}/+/temperature`, qos: 1 }], cleanSession: true },
      t.token,
    );
    await waitConnected(p, id, t.token);
    const pub = await publisher(p.mqttUrl);
    await pub.publishAsync(`${prefix}/SN-002/temperature`, '{"value":20}', { qos: 1 });
    const device = await eventually(() => deviceByName(p, 'SN-002', t.token));
    await stored(p, t.token, device.id.id, 20);
    const browser = await subscribed(p, t.token, `device:${device.id.id}`);
    const pushed: unknown[] = [];
    browser.on('telemetry', (x: unknown) => pushed.push(x));
    const liveRows = async () => {
      await p.app.get(DebugEventService).flush();
      return p.db.query<{ trace_id: string; body: { sockets: number } }>(
        `SELECT trace_id, body FROM debug_event WHERE tenant_id = $1 AND type = 'DEBUG_LIVE'`,
        [t.tenantId],
      );
    };

    // nobody debugs: pushed to the browser, nothing recorded
    await pub.publishAsync(`${prefix}/SN-002/temperature`, '{"value":21}', { qos: 1 });
    await eventually(async () => pushed.length === 1, 20_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(await liveRows()).toEqual([]);

    // the integration alone in debug mode: its Uplink event and the live push share the trace
    await debugOn(p, t.token, 'integration', id);
    await waitConnected(p, id, t.token);
    await pub.publishAsync(`${prefix}/SN-002/temperature`, '{"value":22}', { qos: 1 });
    await pub.endAsync();
    await eventually(async () => pushed.length === 2, 20_000);
    const rows = await eventually(async () => {
      const r = await liveRows();
      return r.length === 2 ? r : null; // telemetry and the integrationName attribute
    });
    browser.disconnect();
    const uplink = await eventually(async () => {
      const r = await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=50&page=0`).set(bearer(t.token));
      return (r.body.data as DebugEvent[]).find((e) => e.body.type === 'Uplink' && e.body.in === '{"value":22}');
    });
    expect(rows.map((r) => r.trace_id)).toEqual([uplink.traceId, uplink.traceId]);
    expect(rows.map((r) => r.body.sockets)).toEqual([1, 1]);
    expect(kinds(await trace(p, t.token, uplink.traceId!)).sort()).toEqual(['DEVICE', 'DEVICE', 'INTEGRATION']);
  });

  it('a knob RPC (setValue, one-way) is one trace from the REST call through the rule chain, the downlink converter and the publish to the broker acknowledgement', async () => {
    const t = await createTenantWithAdmin(p, `Knob ${rnd()}`);
    const deviceId = await createDevice(p, 'SN-001', t.token);
    const integ = await createDownlinkIntegration(p, {
      token: t.token,
      decoder: GUIDE_DECODER,
      encoder: GUIDE_ENCODER,
      filters: [{ filter: `${rnd()}/tb/mqtt-integration-tutorial/sensors/+/temperature`, qos: 0 }],
      converterDebug: true,
    });
    await debugOn(p, t.token, 'integration', integ.id);
    await addDownlinkNode(p, integ.id, t.token, true);
    await chainDebugOn(p, t.token);
    await waitConnected(p, integ.id, t.token);
    await p
      .http()
      .post(`/api/plugins/rpc/oneway/${deviceId}`)
      .set(bearer(t.token))
      .send({ method: 'setValue', params: 32 })
      .expect(200);

    // the call's own steps are events of the device; their trace id is the call's requestUUID
    const request = await eventually(async () => {
      const r = await p.http().get(`/api/events/DEVICE/${deviceId}?pageSize=50&page=0`).set(bearer(t.token));
      return (r.body.data as DebugEvent[]).find((e) => e.body.stage === 'REQUEST');
    });
    const tr = await eventually(async () => {
      const x = await trace(p, t.token, request.traceId!);
      return x.events.some((e) => e.body.stage === 'DELIVERED') ? x : null;
    });
    const steps = tr.events.map((e) =>
      e.entityId.entityType === 'DEVICE'
        ? `rpc:${String(e.body.stage)}`
        : e.entityId.entityType === 'RULE_NODE'
          ? `node:${String(e.body.type)}`
          : e.entityId.entityType === 'CONVERTER'
            ? 'converter'
            : `integration:${String(e.body.type)}:${String(e.body.status)}`,
    );
    expect(steps[0]).toBe('rpc:REQUEST');
    expect(steps[steps.length - 1]).toBe('rpc:DELIVERED');
    expect(steps).toEqual(
      expect.arrayContaining(['node:IN', 'node:OUT', 'converter', 'integration:Downlink:OK']),
    );
    expect(steps.indexOf('converter')).toBeLessThan(steps.indexOf('integration:Downlink:OK'));
    expect(tr.events.find((e) => e.entityId.entityType === 'CONVERTER')!.body.out).toContain(
      '{\\"value\\":32}',
    );
    expect(tr.events.find((e) => e.entityId.entityType === 'INTEGRATION')!.body).toMatchObject({
      out: '{"value":32}',
      topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/rx',
    });
    expect(
      tr.events
        .filter((e) => e.entityId.entityType === 'RULE_NODE')
        .every((e) => e.body.msgType === 'RPC_CALL_FROM_SERVER_TO_DEVICE'),
    ).toBe(true);
  });

  it("a two-way call's trace ends with the device's reply, which names the reply uplink's own trace", async () => {
    const t = await createTenantWithAdmin(p, `Twoway ${rnd()}`);
    const base = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const deviceId = await createDevice(p, 'SN-001', t.token);
    const replying = GUIDE_DECODER_TWOWAY.replace(
      'var result = {',
      "if (metadata.topic.endsWith('/rx/response')) return {deviceName: deviceName, deviceType: deviceType, rpcResponse: {data: data}};\nvar result = {",
    );
    const integ = await createDownlinkIntegration(p, {
      token: t.token,
      decoder: replying,
      encoder: GUIDE_ENCODER_TWOWAY,
      filters: [{ filter: `${base}/+/rx/response`, qos: 0 }],
    });
    await debugOn(p, t.token, 'converter', integ.uplinkId);
    await addDownlinkNode(p, integ.id, t.token);
    await waitConnected(p, integ.id, t.token);
    // the guide's advanced simulator, answering on our own prefix (its encoder publishes to the guide's topic)
    const sim = await subscriber(p.mqttUrl, 'tb/mqtt-integration-tutorial/sensors/SN-001/rx/twoway');
    const pub = await publisher(p.mqttUrl);
    sim.client.on(
      'message',
      () => void pub.publishAsync(`${base}/SN-001/rx/response`, '{"rpcReceived":"OK"}'),
    );
    const r = await p
      .http()
      .post(`/api/plugins/rpc/twoway/${deviceId}`)
      .set(bearer(t.token))
      .send({ method: 'setValue', params: 37, timeout: 10000 });
    expect(r.status).toBe(200);
    await sim.client.endAsync();
    await pub.endAsync();

    const ev = await p.http().get(`/api/events/DEVICE/${deviceId}?pageSize=50&page=0`).set(bearer(t.token));
    const reply = (ev.body.data as DebugEvent[]).find((e) => e.body.stage === 'REPLY')!;
    expect(reply.body).toMatchObject({
      type: 'RPC',
      method: 'setValue',
      data: { rpcReceived: 'OK' },
      replyTraceId: expect.any(String),
    });
    const tr = await trace(p, t.token, reply.traceId!);
    expect(tr.events.map((e) => e.body.stage).filter(Boolean)).toEqual(['REQUEST', 'DELIVERED', 'REPLY']);
    // the reply's own journey: the uplink converter decoded the device's answer
    const back = await trace(p, t.token, String(reply.body.replyTraceId));
    expect(back.events.find((e) => e.entityId.entityType === 'CONVERTER')!.body).toMatchObject({
      in: '{"rpcReceived":"OK"}',
    });
  });
});
