import { bearer, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import {
  createConverter,
  createIntegration,
  deviceByName,
  GUIDE_DECODER,
  publisher,
  rnd,
  waitStatus,
} from './test-kit.js';

/** The uplink path remembers devices by name; deleting or renaming a device must not leave it stale. */
describe('uplinks after a device is deleted or renamed', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it('creates the device again when it was deleted, and a new one for the old name when it was renamed', async () => {
    const auth = bearer(p.tenantToken);
    const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const converterId = await createConverter(p, GUIDE_DECODER);
    const { id } = await createIntegration(p, {
      converterId,
      filters: [{ filter: `${prefix}/+/temperature`, qos: 1 }],
    });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const latest = async (deviceId: string) =>
      (
        await p
          .http()
          .get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?keys=temperature`)
          .set(auth)
      ).body.temperature?.[0]?.value;

    await pub.publishAsync(`${prefix}/SN-7/temperature`, '{"value":1}', { qos: 1 });
    const first = await eventually(async () => {
      const d = await deviceByName(p, 'SN-7');
      return d && (await latest(d.id.id)) === '1' ? d : null;
    });
    expect((await p.http().delete(`/api/device/${first.id.id}`).set(auth)).status).toBe(200);

    await pub.publishAsync(`${prefix}/SN-7/temperature`, '{"value":2}', { qos: 1 });
    const second = await eventually(async () => {
      const d = await deviceByName(p, 'SN-7');
      return d && (await latest(d.id.id)) === '2' ? d : null;
    });
    expect(second.id.id).not.toBe(first.id.id);

    const renamed = await p
      .http()
      .post('/api/device')
      .set(auth)
      .send({ id: { entityType: 'DEVICE', id: second.id.id }, name: 'SN-7-old', type: 'sensor' });
    expect(renamed.status).toBe(200);
    await pub.publishAsync(`${prefix}/SN-7/temperature`, '{"value":3}', { qos: 1 });
    const third = await eventually(async () => {
      const d = await deviceByName(p, 'SN-7');
      return d && (await latest(d.id.id)) === '3' ? d : null;
    });
    expect(third.id.id).not.toBe(second.id.id);
    expect(await latest(second.id.id)).toBe('2');
    const s = (await p.http().get(`/api/integration/${id}/status`).set(auth)).body;
    expect(s).toMatchObject({ messagesIn: 3, errors: 0 });
    await pub.endAsync();
  });
});
