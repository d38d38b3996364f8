import { randomUUID } from 'node:crypto';
import { freePort } from '../../infra/embedded-postgres.js';
import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import { publisher, rnd } from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  createDownlinkIntegration,
  requestEncoder,
  subscriber,
  waitConnected,
} from './rpc-kit.js';

/** Device `prefix/<name>/...`: replies on `prefix/<name>/response` with {id, reply} become rpcResponse. */
const decoder = (prefix: string) => `var d = decodeToJson(payload);
var name = metadata.topic.substring(${prefix.length + 1}).split('/')[0];
if (metadata.topic.endsWith('/response')) return {deviceName: name, deviceType: 'sensor', rpcResponse: {requestId: d.id, data: d.reply}};
return {deviceName: name, deviceType: 'sensor', telemetry: d};`;

describe('RPC errors and persistent calls', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  async function tenant() {
    const t = await createTenantWithAdmin(p, `RPC ${rnd()}`);
    return { ...t, auth: bearer(t.token) };
  }

  it('answers 404 for an unknown device and for a device of another tenant, 400 without a method', async () => {
    const a = await tenant();
    const b = await tenant();
    const mine = await createDevice(p, 'D-1', a.token);
    const unknown = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${randomUUID()}`)
      .set(a.auth)
      .send({ method: 'setValue', params: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/Device .* not found/);
    expect(
      (await p.http().post(`/api/plugins/rpc/twoway/${mine}`).set(b.auth).send({ method: 'x' })).status,
    ).toBe(404);
    const noMethod = await p.http().post(`/api/plugins/rpc/oneway/${mine}`).set(a.auth).send({ params: 1 });
    expect(noMethod.status).toBe(400);
    expect(noMethod.body.message).toMatch(/method/);
  });

  it('tells the caller when no rule chain route reaches an Integration Downlink node', async () => {
    const a = await tenant();
    const dev = await createDevice(p, 'D-2', a.token);
    const r = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${dev}`)
      .set(a.auth)
      .send({ method: 'setValue', params: 1 });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(
      /no rule chain route sends RPC Request to Device to an Integration Downlink node/,
    );
    const persistent = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${dev}`)
      .set(a.auth)
      .send({ method: 'setValue', params: 1, persistent: true });
    const rpcId = persistent.body.rpcId;
    const failed = await eventually(async () => {
      const g = await p.http().get(`/api/rpc/persistent/${rpcId}`).set(a.auth);
      return g.body.status === 'FAILED' ? g.body : null;
    });
    expect(failed.response.error).toMatch(/no rule chain route/);
  });

  it('reports a downlink converter that throws, with a converter debug event and the node Failure event', async () => {
    const a = await tenant();
    const prefix = `bb-${rnd()}`;
    const integ = await createDownlinkIntegration(p, {
      token: a.token,
      decoder: decoder(prefix),
      encoder: 'throw new Error("cannot encode " + msg.method);',
      filters: [{ filter: `${prefix}/+/response`, qos: 0 }],
      converterDebug: true,
    });
    const nodeId = await addDownlinkNode(p, integ.id, a.token, true);
    await waitConnected(p, integ.id, a.token);
    const dev = await createDevice(p, 'D-3', a.token);
    const r = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${dev}`)
      .set(a.auth)
      .send({ method: 'setValue', params: 1 });
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(
      /Downlink converter of integration 'MQTT Integration' failed: .*cannot encode setValue/,
    );
    const convEvents = await eventually(async () => {
      const e = await p
        .http()
        .get(`/api/events/CONVERTER/${integ.downlinkId}?pageSize=10&page=0`)
        .set(a.auth);
      return e.body.data.length ? e.body.data : null;
    });
    expect(convEvents[0].body.error).toMatch(/cannot encode setValue/);
    const nodeEvents = await eventually(async () => {
      const e = await p.http().get(`/api/events/RULE_NODE/${nodeId}?pageSize=10&page=0`).set(a.auth);
      return (
        e.body.data.find((x: { body: { relationType?: string } }) => x.body.relationType === 'Failure') ??
        null
      );
    });
    expect(nodeEvents.body).toMatchObject({
      type: 'OUT',
      msgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
      error: expect.stringMatching(/cannot encode/),
    });
  });

  it('answers 409 to a one-way call while the integration is disconnected; a persistent call is queued instead and expires unsent', async () => {
    const a = await tenant();
    const prefix = `bb-${rnd()}`;
    const integ = await createDownlinkIntegration(p, {
      token: a.token,
      decoder: decoder(prefix),
      encoder: requestEncoder(prefix),
      filters: [{ filter: `${prefix}/#`, qos: 0 }],
      port: await freePort(),
    });
    await addDownlinkNode(p, integ.id, a.token);
    const dev = await createDevice(p, 'D-4', a.token);
    const r = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${dev}`)
      .set(a.auth)
      .send({ method: 'setValue', params: 1 });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/not connected/i);
    const q = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${dev}`)
      .set(a.auth)
      .send({ method: 'setValue', params: 2, persistent: true, timeout: 1500 });
    expect(q.status).toBe(200);
    const queued = await eventually(async () => {
      const g = await p.http().get(`/api/rpc/persistent/${q.body.rpcId}`).set(a.auth);
      return g.body.status === 'QUEUED' ? g.body : null;
    });
    expect(queued).toMatchObject({
      id: { entityType: 'RPC', id: q.body.rpcId },
      deviceId: { id: dev },
      request: { oneway: true, body: { method: 'setValue', params: '2' } },
    });
    const expired = await eventually(async () => {
      const g = await p.http().get(`/api/rpc/persistent/${q.body.rpcId}`).set(a.auth);
      return g.body.status === 'EXPIRED' ? g.body : null;
    }, 5000);
    expect(expired.status).toBe('EXPIRED');
    const list = await p.http().get(`/api/rpc/persistent/device/${dev}?pageSize=10&page=0`).set(a.auth);
    expect(list.body).toMatchObject({ totalElements: 1, data: [{ status: 'EXPIRED' }] });
  });

  it('follows a persistent two-way call to SUCCESSFUL with the reply, and another to TIMEOUT', async () => {
    const a = await tenant();
    const prefix = `bb-${rnd()}`;
    const integ = await createDownlinkIntegration(p, {
      token: a.token,
      decoder: decoder(prefix),
      encoder: requestEncoder(prefix),
      filters: [{ filter: `${prefix}/+/response`, qos: 1 }],
    });
    await addDownlinkNode(p, integ.id, a.token);
    await waitConnected(p, integ.id, a.token);
    const dev = await createDevice(p, 'D-5', a.token);
    const device = await subscriber(p.mqttUrl, `${prefix}/D-5/rx`);
    const call = await p
      .http()
      .post(`/api/plugins/rpc/twoway/${dev}`)
      .set(a.auth)
      .send({ method: 'getValue', persistent: true, timeout: 10000 });
    expect(call.status).toBe(200);
    const got = JSON.parse(await device.next());
    expect(got).toEqual({ id: call.body.rpcId, method: 'getValue', params: null });
    await eventually(
      async () =>
        (await p.http().get(`/api/rpc/persistent/${call.body.rpcId}`).set(a.auth)).body.status ===
        'DELIVERED',
    );
    const pub = await publisher(p.mqttUrl);
    await pub.publishAsync(`${prefix}/D-5/response`, JSON.stringify({ id: got.id, reply: { value: 21 } }), {
      qos: 1,
    });
    const done = await eventually(async () => {
      const g = await p.http().get(`/api/rpc/persistent/${call.body.rpcId}`).set(a.auth);
      return g.body.status === 'SUCCESSFUL' ? g.body : null;
    });
    expect(done.response).toEqual({ value: 21 });

    const silent = await p
      .http()
      .post(`/api/plugins/rpc/twoway/${dev}`)
      .set(a.auth)
      .send({ method: 'getValue', persistent: true, timeout: 800 });
    await device.next();
    const timedOut = await eventually(async () => {
      const g = await p.http().get(`/api/rpc/persistent/${silent.body.rpcId}`).set(a.auth);
      return g.body.status === 'TIMEOUT' ? g.body : null;
    }, 5000);
    expect(timedOut.status).toBe('TIMEOUT');
    // a late reply does not change a final status
    await pub.publishAsync(`${prefix}/D-5/response`, JSON.stringify({ id: silent.body.rpcId, reply: 1 }), {
      qos: 1,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await p.http().get(`/api/rpc/persistent/${silent.body.rpcId}`).set(a.auth)).body.status).toBe(
      'TIMEOUT',
    );
    const b = await tenant();
    expect((await p.http().get(`/api/rpc/persistent/${call.body.rpcId}`).set(b.auth)).status).toBe(404);
    await pub.endAsync();
    await device.client.endAsync();
  });
});
