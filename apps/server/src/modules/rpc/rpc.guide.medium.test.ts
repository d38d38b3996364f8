import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import {
  GUIDE_DECODER,
  GUIDE_DECODER_TWOWAY,
  GUIDE_ENCODER,
  GUIDE_ENCODER_TWOWAY,
} from '@bridgeboard/contracts';
import { publisher } from '../integrations/test-kit.js';
import {
  addDownlinkNode,
  createDevice,
  createDownlinkIntegration,
  subscriber,
  waitConnected,
} from './rpc-kit.js';

// The guide's topics are used verbatim (its encoders hard-code them), so this file is the only one that uses them.
const BASE = 'tb/mqtt-integration-tutorial/sensors';

describe('RPC to a device, as the MQTT integration guide does it', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('one-way: a knob turn (setValue 32) reaches the device as {"value":32} on .../SN-001/rx', async () => {
    const auth = bearer(p.tenantToken);
    const deviceId = await createDevice(p, 'SN-001');
    const integ = await createDownlinkIntegration(p, {
      decoder: GUIDE_DECODER,
      encoder: GUIDE_ENCODER,
      filters: [{ filter: `${BASE}/+/temperature`, qos: 0 }],
    });
    await waitConnected(p, integ.id);
    await addDownlinkNode(p, integ.id);
    const device = await subscriber(p.mqttUrl, `${BASE}/SN-001/rx`);
    const r = await p
      .http()
      .post(`/api/plugins/rpc/oneway/${deviceId}`)
      .set(auth)
      .send({ method: 'setValue', params: 32 });
    expect(r.status).toBe(200);
    expect(await device.next()).toBe('{"value":32}');
    await p
      .http()
      .post(`/api/plugins/rpc/oneway/${deviceId}`)
      .set(auth)
      .send({ method: 'setValue', params: 33 })
      .expect(200);
    expect(await device.next()).toBe('{"value":33}');
    await device.client.endAsync();
  });

  it('two-way with the guide\'s scripts: the device\'s {"rpcReceived":"OK"} becomes telemetry and the call ends 408 at its timeout (as ThingsBoard); with a decoder that returns rpcResponse, the call returns the reply', async () => {
    const other = await createTenantWithAdmin(p, 'Two-way');
    const auth = bearer(other.token);
    const deviceId = await createDevice(p, 'SN-001', other.token);
    const integ = await createDownlinkIntegration(p, {
      token: other.token,
      decoder: GUIDE_DECODER_TWOWAY,
      encoder: GUIDE_ENCODER_TWOWAY,
      filters: [
        { filter: `${BASE}/+/temperature`, qos: 0 },
        { filter: `${BASE}/+/rx/response`, qos: 0 },
      ],
    });
    await addDownlinkNode(p, integ.id, other.token);
    await waitConnected(p, integ.id, other.token);

    // The guide's advanced simulator: answers every two-way call on .../rx/response.
    const sim = await subscriber(p.mqttUrl, `${BASE}/SN-001/rx/twoway`);
    const pub = await publisher(p.mqttUrl);
    const received: string[] = [];
    sim.client.on('message', (_t, m) => {
      received.push(m.toString());
      void pub.publishAsync(`${BASE}/SN-001/rx/response`, '{"rpcReceived":"OK"}');
    });

    const started = Date.now();
    const timedOut = await p
      .http()
      .post(`/api/plugins/rpc/twoway/${deviceId}`)
      .set(auth)
      .send({ method: 'setValue', params: 36, timeout: 2000 });
    expect(timedOut.status).toBe(408);
    expect(timedOut.body).toMatchObject({
      status: 408,
      message: expect.stringMatching(/did not answer the RPC 'setValue'/),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(received).toContain('{"value":36}');
    const latest = await eventually(async () => {
      const t = await p
        .http()
        .get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?keys=rpcReceived`)
        .set(auth);
      return t.body.rpcReceived ? t.body : null;
    });
    expect(latest.rpcReceived[0].value).toBe('OK');

    // Same device reply, decoded into rpcResponse: the two-way call now returns it.
    const replying = GUIDE_DECODER_TWOWAY.replace(
      'var result = {',
      "if (metadata.topic.endsWith('/rx/response')) return {deviceName: deviceName, deviceType: deviceType, rpcResponse: {data: data}};\nvar result = {",
    );
    const conv = await p.http().get(`/api/converter/${integ.uplinkId}`).set(auth);
    await p
      .http()
      .post('/api/converter')
      .set(auth)
      .send({ ...conv.body, configuration: { scriptLang: 'JS', decoder: replying } })
      .expect(200);
    const answered = await p
      .http()
      .post(`/api/plugins/rpc/twoway/${deviceId}`)
      .set(auth)
      .send({ method: 'setValue', params: 37, timeout: 5000 });
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ rpcReceived: 'OK' });
    await sim.client.endAsync();
    await pub.endAsync();
  });
});
