import type { MqttClient } from 'mqtt';
import { bearer, eventually, startTestPlatform, type TestPlatform } from '../../../../test/helpers.js';
import { createConverter, createIntegration, deviceByName, publisher, rnd, waitStatus } from '../test-kit.js';
import { ActivityService } from '../../activity/activity.service.js';

/** Version 1: stores the reading under the wrong key, and throws on the newer payload shape ({"value": …}). */
const V1 = `var d = JSON.parse(String.fromCharCode.apply(String, payload));
if (d.v === undefined) throw new Error('no reading in ' + JSON.stringify(d));
return { deviceName: d.n, deviceType: 'sensor', telemetry: { temp: d.v } };`;
/** Version 2, the fix: the right key, both payload shapes. */
const V2 = `var d = JSON.parse(String.fromCharCode.apply(String, payload));
return { deviceName: d.n, deviceType: 'sensor', telemetry: { temperature: d.v !== undefined ? d.v : d.value } };`;

type Point = { ts: number; value: string };

/**
 * Issue 19's story over the real broker: a decoder with a bug, messages stored wrong and one not at
 * all, the fix saved, a dry run showing what would change, the replay applied at the original times,
 * the bad message reprocessed out of the quarantine, and version 1 restored as version 3.
 */
describe('fix a decoder and replay (issue 19)', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  let pub: MqttClient;

  beforeAll(async () => {
    p = await startTestPlatform({ LOG_LEVEL: 'error' });
    auth = bearer(p.tenantToken);
    pub = await publisher(p.mqttUrl);
  });
  afterAll(async () => {
    await pub.endAsync();
    await p.stop();
  });

  const series = async (deviceId: string, key: string): Promise<Point[]> => {
    const r = await p
      .http()
      .get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?keys=${key}&startTs=0&endTs=${Date.now() + 60_000}&limit=100`)
      .set(auth);
    expect(r.status).toBe(200);
    return ((r.body[key] ?? []) as Point[]).sort((a, b) => a.ts - b.ts);
  };

  /** The device's activity as ThingsBoard's server attributes, after the activity batch pending now is written. */
  const activity = async (deviceId: string) => {
    await p.app.get(ActivityService).tick();
    const r = await p
      .http()
      .get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/attributes/SERVER_SCOPE?keys=active,lastActivityTime`)
      .set(auth);
    return Object.fromEntries((r.body as { key: string; value: unknown }[]).map((a) => [a.key, a.value]));
  };

  it('stores the fixed results at the original receive times, reprocesses the quarantined message, and restores version 1 as version 3', async () => {
    const converterId = await createConverter(p, V1);
    const topic = `bb-test/replay-${rnd()}`;
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `${topic}/#`, qos: 1 }] });
    await waitStatus(p, integration.id, 'CONNECTED');
    const device = `replay-dev-${rnd()}`;
    const startTs = Date.now() - 1000;

    // three good messages, paced so each has its own receive time, and one of the new shape
    // (each waits for the one before to be received: two messages of one device taken in the same millisecond
    // get the same ts when the decoder gives none, and the later one replaces the earlier, as in ThingsBoard)
    const received = async () => (await p.http().get(`/api/integration/${integration.id}/status`).set(auth)).body.messagesIn as number;
    for (const [i, v] of [20.5, 21, 21.5].entries()) {
      await pub.publishAsync(`${topic}/${device}`, JSON.stringify({ n: device, v }), { qos: 1 });
      await eventually(async () => (await received()) >= i + 1);
      await new Promise((r) => setTimeout(r, 5));
    }
    await pub.publishAsync(`${topic}/${device}`, JSON.stringify({ n: device, value: 22 }), { qos: 1 });
    const dev = await eventually(() => deviceByName(p, device));
    const wrong = await eventually(async () => {
      const s = await series(dev.id.id, 'temp');
      return s.length === 3 ? s : null;
    });
    const status = await eventually(async () => {
      const s = (await p.http().get(`/api/integration/${integration.id}/status`).set(auth)).body;
      return s.quarantined === 1 ? s : null;
    });
    expect(status.lastError).toContain('no reading in');
    expect(await series(dev.id.id, 'temperature')).toEqual([]);
    // the live uplinks made the device active
    const live = await activity(dev.id.id);
    expect(live).toEqual({ active: true, lastActivityTime: expect.any(Number) });

    // the bad message sits in the quarantine with its error
    const q = await p.http().get(`/api/integration/${integration.id}/quarantine?pageSize=10&page=0`).set(auth);
    expect(q.body.totalElements).toBe(1);
    expect(q.body.data[0]).toMatchObject({ errorCode: 'SCRIPT_ERROR', converterId, attempts: 1 });
    expect(q.body.data[0].error).toContain('no reading in');
    expect(JSON.parse(Buffer.from(q.body.data[0].payload, 'base64').toString())).toEqual({ n: device, value: 22 });

    // the fix, saved as version 2
    const saved = await p.http().get(`/api/converter/${converterId}`).set(auth);
    const fix = await p
      .http()
      .post('/api/converter?versionComment=store%20temperature')
      .set(auth)
      .send({ ...saved.body, configuration: { scriptLang: 'JS', decoder: V2 } });
    expect(fix.status).toBe(200);
    expect(fix.body.version).toBe(2);

    // dry run: the three archived messages change from temp to temperature, nothing is written
    const endTs = Date.now();
    const dry = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs, endTs, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ messages: 3, changed: 3, unchanged: 0, failed: 0 });
    expect(dry.body.samples).toHaveLength(3);
    dry.body.samples.forEach((s: { deviceName: string; ts: number; before: unknown; after: unknown }, k: number) => {
      expect(s.deviceName).toBe(device);
      expect(s.ts).toBe(wrong[k]!.ts);
      expect(s.before).toEqual({ deviceName: device, deviceType: 'sensor', telemetry: [{ ts: wrong[k]!.ts, values: { temp: [20.5, 21, 21.5][k] } }] });
      expect(s.after).toEqual({ deviceName: device, deviceType: 'sensor', telemetry: [{ ts: wrong[k]!.ts, values: { temperature: [20.5, 21, 21.5][k] } }] });
    });
    expect(await series(dev.id.id, 'temperature')).toEqual([]);

    // applied: stored through the live path at the times the first decode used
    const applied = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs, endTs, dryRun: false });
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({ messages: 3, stored: 3, failed: 0 });
    const fixed = await series(dev.id.id, 'temperature');
    expect(fixed.map((x) => x.ts)).toEqual(wrong.map((x) => x.ts));
    expect(fixed.map((x) => Number(x.value))).toEqual([20.5, 21, 21.5]);

    // the quarantined message, reprocessed through version 2, is stored at its receive time and leaves the quarantine
    const re = await p.http().post(`/api/integration/${integration.id}/quarantine/reprocess`).set(auth).send({});
    expect(re.status).toBe(200);
    expect(re.body).toEqual({ reprocessed: 1, stored: 1, failed: 0 });
    const all = await series(dev.id.id, 'temperature');
    expect(all.map((x) => Number(x.value))).toEqual([20.5, 21, 21.5, 22]);
    expect(all[3]!.ts).toBe(q.body.data[0].receivedTime);
    expect((await p.http().get(`/api/integration/${integration.id}/quarantine?pageSize=10&page=0`).set(auth)).body.totalElements).toBe(0);
    expect((await p.http().get(`/api/integration/${integration.id}/status`).set(auth)).body.quarantined).toBe(0);
    // past messages are data, not traffic: neither the replay nor the reprocessing moved the device's last activity
    expect(await activity(dev.id.id)).toEqual(live);

    // restoring version 1 makes version 3 equal to version 1
    const restored = await p.http().post(`/api/converter/${converterId}/versions/1/restore`).set(auth);
    expect(restored.status).toBe(200);
    const [v1, v3] = await Promise.all([1, 3].map((v) => p.http().get(`/api/converter/${converterId}/versions/${v}`).set(auth)));
    expect(v3!.body.configuration).toEqual(v1!.body.configuration);
    expect(v3!.body.comment).toBe('Restored version 1');
    expect(restored.body.configuration).toEqual(v1!.body.configuration);

    // and the edited script tested on the archive before saving: the fix against what version 1 stored
    const t = await p.http().post(`/api/converter/${converterId}/testOnArchive`).set(auth).send({ configuration: { scriptLang: 'JS', decoder: V2 }, limit: 10 });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ messages: 3, decoded: 3, failed: 0, changed: 3 });
    expect(t.body.samples[0]).toMatchObject({ topic: `${topic}/${device}`, saved: [{ telemetry: [{ values: { temp: 20.5 } }] }], edited: [{ telemetry: [{ values: { temperature: 20.5 } }] }] });
  });
});
