import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bearer, createTenantWithAdmin, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { createConverter, createIntegration, deviceByName, GUIDE_DECODER, mqttTarget, publisher, rnd, waitStatus } from './test-kit.js';

describe('the MQTT integration guide, replayed', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('turns {"value":25.1} on .../SN-001/temperature into device SN-001 with latest temperature and the integrationName attribute; a second message adds a history point', async () => {
    const auth = bearer(p.tenantToken);
    const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const converterId = await createConverter(p, GUIDE_DECODER);
    const { id, body } = await createIntegration(p, { name: 'MQTT Integration', converterId, filters: [{ filter: `${prefix}/+/temperature`, qos: 0 }], cleanSession: true, debugMode: true, metadata: { region: 'eu-1' } });
    expect(body).toMatchObject({ type: 'MQTT', enabled: true, name: 'MQTT Integration' });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    await pub.publishAsync(`${prefix}/SN-001/temperature`, '{"value":25.1}');
    const device = await eventually(() => deviceByName(p, 'SN-001'));
    expect(device.type).toBe('sensor');
    const latest = await eventually(async () => {
      const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${device.id.id}/values/timeseries?keys=temperature`).set(auth);
      return r.body.temperature ? r.body : null;
    });
    expect(latest.temperature[0].value).toBe('25.1');
    const strict = await p.http().get(`/api/plugins/telemetry/DEVICE/${device.id.id}/values/timeseries?keys=temperature&useStrictDataTypes=true`).set(auth);
    expect(strict.body.temperature[0].value).toBe(25.1);
    const attrs = await p.http().get(`/api/plugins/telemetry/DEVICE/${device.id.id}/values/attributes/SERVER_SCOPE`).set(auth);
    // besides the device state the platform keeps (active, lastActivityTime, written every few seconds)
    const own = attrs.body.filter((a: { key: string }) => !['active', 'lastActivityTime'].includes(a.key));
    expect(own).toEqual([{ key: 'integrationName', value: 'MQTT Integration', lastUpdateTs: expect.any(Number) }]);
    expect((await p.http().get(`/api/plugins/telemetry/DEVICE/${device.id.id}/keys/timeseries`).set(auth)).body).toEqual(['temperature']);

    await new Promise((r) => setTimeout(r, 5));
    await pub.publishAsync(`${prefix}/SN-001/temperature`, '{"value":26.3}');
    const hist = await eventually(async () => {
      const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${device.id.id}/values/timeseries?keys=temperature&startTs=0&endTs=${Date.now() + 60000}`).set(auth);
      return r.body.temperature?.length === 2 ? r.body.temperature : null;
    });
    expect(hist.map((x: { value: string }) => x.value)).toEqual(['26.3', '25.1']);
    const status = (await p.http().get(`/api/integration/${id}`).set(auth)).body.status;
    expect(status).toMatchObject({ status: 'CONNECTED', messagesIn: 2, errors: 0, lastMessageTime: expect.any(Number) });
    const events = await eventually(async () => {
      const r = await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=50&page=0`).set(auth);
      return r.body.data.filter((e: { body: { type: string } }) => e.body.type === 'Uplink').length === 2 ? r.body.data : null;
    });
    expect(events.find((e: { body: { in: string } }) => e.body.in === '{"value":25.1}').body).toMatchObject({
      type: 'Uplink',
      inContentType: 'JSON',
      status: 'OK',
      metadata: { topic: `${prefix}/SN-001/temperature`, integrationName: 'MQTT Integration', region: 'eu-1' },
    });
    await pub.endAsync();
  });

  it('works with mosquitto_pub exactly as the guide runs it, on the guide topic', async () => {
    const other = await createTenantWithAdmin(p, `Guide ${rnd()}`);
    const converterId = await createConverter(p, GUIDE_DECODER, other.token);
    const { id } = await createIntegration(
      p,
      { name: 'MQTT Integration', converterId, filters: [{ filter: 'tb/mqtt-integration-tutorial/sensors/+/temperature', qos: 0 }], cleanSession: true },
      other.token,
    );
    await eventually(async () => (await p.http().get(`/api/integration/${id}/status`).set(bearer(other.token))).body.status === 'CONNECTED');
    const t = mqttTarget(p);
    // async: with an embedded broker in this process, a blocking call would stall the broker
    await promisify(execFile)('mosquitto_pub', ['-h', t.host, '-p', String(t.port), '-t', 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature', '-m', '{"value":25.1}']);
    const device = await eventually(() => deviceByName(p, 'SN-001', other.token));
    expect(device.type).toBe('sensor');
    const latest = await eventually(async () => {
      const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${device.id.id}/values/timeseries?keys=temperature`).set(bearer(other.token));
      return r.body.temperature ? r.body : null;
    });
    expect(latest.temperature[0].value).toBe('25.1');
  });
});
