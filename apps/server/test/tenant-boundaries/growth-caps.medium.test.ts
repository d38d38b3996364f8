import type { MqttClient } from 'mqtt';
import { bearer, createTenantWithAdmin, eventually, startTestPlatform, type TestPlatform } from '../helpers.js';
import { createConverter, createIntegration, deviceByName, publisher, rnd, waitStatus } from '../../src/modules/integrations/test-kit.js';

// Issue 14, finding 3: no caps on growth. Each limit set low here; each refusal is an ERROR event and a
// counter (status.refused), never a stall, and the good messages next to it are stored.
const DECODER = `var m = JSON.parse(String.fromCharCode.apply(String, payload));
if (m.many) { var out = []; for (var i = 0; i < m.many; i++) out.push({ deviceName: m.d + '-' + i, deviceType: 't', telemetry: { v: i } }); return out; }
if (m.forge) return { deviceName: m.d, deviceType: 't', attributes: { big: new Array(m.forge + 1).join('x') } };
return { deviceName: m.d || metadata.topic.split('/').pop(), deviceType: 't', telemetry: { ts: m.ts || Date.now(), values: m.v || { v: 1 } } };`;

const keys = (from: number, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${from + i}`, i]));

describe('limits on growth (issue 14, finding 3)', () => {
  let p: TestPlatform;
  let pub: MqttClient;
  let converterId: string;

  beforeAll(async () => {
    p = await startTestPlatform({
      TENANT_MAX_DEVICES: '30',
      INTEGRATION_MAX_NEW_DEVICES_PER_MIN: '10',
      TELEMETRY_MAX_KEYS_PER_MESSAGE: '50',
      TELEMETRY_MAX_KEYS_PER_DEVICE: '60',
      DEBUG_EVENT_MAX_BODY_CHARS: '8192',
      TENANT_MAX_CONVERTERS: '3',
      TENANT_MAX_INTEGRATIONS: '3',
      TENANT_MAX_RULE_CHAINS: '2',
      TENANT_MAX_DASHBOARDS: '2',
    });
    pub = await publisher(p.mqttUrl);
    converterId = await createConverter(p, DECODER);
  });
  afterAll(async () => {
    await pub.endAsync();
    await p.stop();
  });

  const status = async (id: string) => (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
  const errors = async (id: string) =>
    ((await p.http().get(`/api/events/INTEGRATION/${id}?pageSize=1000&page=0`).set(bearer(p.tenantToken))).body.data as { body: { status?: string; error?: string } }[])
      .filter((e) => e.body.status === 'ERROR')
      .map((e) => e.body.error!);
  const points = async (name: string) => {
    const d = await deviceByName(p, name);
    if (!d) return 0;
    return Number((await p.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_named WHERE entity_id = $1', [d.id.id]))[0]!.n);
  };
  const send = (topic: string, m: unknown) => pub.publishAsync(topic, JSON.stringify(m), { qos: 1 });

  it('new devices per minute per integration and devices per tenant: messages naming more are refused, the good ones beside them stored', async () => {
    const prefix = `caps-${rnd()}`;
    const { id } = await createIntegration(p, { name: 'Topic namer', converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }] });
    await waitStatus(p, id, 'CONNECTED');
    await send(`${prefix}/GOOD`, { v: { v: 0 } });
    await eventually(async () => (await points('GOOD')) === 1).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(await status(id))} ${JSON.stringify(await errors(id))}`);
    });
    const base = Date.now() - 100_000;
    // a device per topic, as the attack's decoder did, with good messages in between
    for (let i = 0; i < 25; i++) {
      await send(`${prefix}/flood-${i}`, {});
      await send(`${prefix}/GOOD`, { ts: base + i, v: { v: i } });
    }
    await send(`${prefix}/x`, { d: 'ARRAY', many: 40 }); // one decoder result array naming 40 devices
    await eventually(async () => (await points('GOOD')) === 26, 15000);
    await eventually(async () => (await status(id)).messagesIn === 52, 15000);
    const st = await eventually(async () => {
      const s = await status(id);
      return s.errors === 17 ? s : null;
    }, 10000);
    expect(st.refused).toEqual({ newDevicesPerMinute: 17 }); // 16 floods and the array
    const flood = (await p.db.query<{ n: string }>(`SELECT count(*) AS n FROM device WHERE name LIKE 'flood-%' OR name LIKE 'ARRAY-%'`))[0]!.n;
    expect(Number(flood)).toBe(9); // GOOD took one of the 10
    const errs = await errors(id);
    expect(errs).toContain(
      "Device 'flood-9' was not created: integration 'Topic namer' may create at most 10 new devices a minute (INTEGRATION_MAX_NEW_DEVICES_PER_MIN); dropped",
    );
    expect(errs).toContain(
      "Device 'ARRAY-0' was not created: integration 'Topic namer' may create at most 10 new devices a minute (INTEGRATION_MAX_NEW_DEVICES_PER_MIN); dropped",
    );

    // devices per tenant: REST fills the tenant to 30, the 31st is refused; so is an uplink's new device
    const auth = bearer(p.tenantToken);
    const [have] = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM device');
    for (let i = Number(have!.n); i < 30; i++) expect((await p.http().post('/api/device').set(auth).send({ name: `rest-${i}`, type: 't' })).status).toBe(200);
    const over = await p.http().post('/api/device').set(auth).send({ name: 'one-too-many', type: 't' });
    expect(over.status).toBe(400);
    const full = 'Your tenant already has 30 devices, the most this platform allows (TENANT_MAX_DEVICES); delete some or ask the system administrator to raise the limit';
    expect(over.body.message).toBe(full);
    const fresh = await createIntegration(p, { name: 'Second', converterId, filters: [{ filter: `${prefix}2/#`, qos: 1 }] });
    await waitStatus(p, fresh.id, 'CONNECTED');
    await send(`${prefix}2/NEW-ONE`, {});
    await send(`${prefix}2/GOOD`, { ts: base + 100, v: { v: 100 } });
    await eventually(async () => (await points('GOOD')) === 27, 15000);
    await eventually(async () => (await errors(fresh.id)).includes(`Device 'NEW-ONE' was not created: ${full}; dropped`), 10000);
    expect((await status(fresh.id)).refused).toEqual({ devicesPerTenant: 1 });
    await p.http().delete(`/api/integration/${fresh.id}`).set(auth);
  }, 60_000);

  it('telemetry values per message and time-series keys per device', async () => {
    const prefix = `keys-${rnd()}`;
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos: 1 }] });
    await waitStatus(p, id, 'CONNECTED');
    const dev = 'GOOD';
    const t = Date.now() - 50_000;
    await send(`${prefix}/a`, { d: dev, ts: t + 1, v: keys(0, 51) }); // one too many for one message
    await send(`${prefix}/a`, { d: dev, ts: t + 2, v: keys(1000, 50) }); // 50 new keys: fine
    await send(`${prefix}/a`, { d: dev, ts: t + 3, v: keys(2000, 40) }); // would make 50 + 40 + 1 (v) > 60 keys on the device
    await send(`${prefix}/a`, { d: dev, ts: t + 4, v: keys(1000, 10) }); // keys it has: fine
    const st = await eventually(async () => {
      const s = await status(id);
      return s.messagesIn === 4 && s.errors === 2 ? s : null;
    }, 15000);
    expect(st.refused).toEqual({ keysPerMessage: 1, keysPerDevice: 1 });
    const errs = await errors(id);
    expect(errs).toContain('The message carries 51 telemetry and attribute values; at most 50 are stored from one message (TELEMETRY_MAX_KEYS_PER_MESSAGE); dropped');
    const d = (await deviceByName(p, dev))!;
    expect(errs).toContain(`Could not store: Device ${d.id.id} has 51 time-series keys and this would add 40; at most 60 are kept per device (TELEMETRY_MAX_KEYS_PER_DEVICE)`);
    const [latest] = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_latest WHERE entity_id = $1', [d.id.id]);
    expect(Number(latest!.n)).toBe(51);
    // REST is held to the same limit
    const r = await p.http().post(`/api/plugins/telemetry/DEVICE/${d.id.id}/timeseries/ANY`).set(bearer(p.tenantToken)).send(keys(3000, 10));
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/TELEMETRY_MAX_KEYS_PER_DEVICE/);
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
  }, 60_000);

  it('a forged huge converter result is not stored whole in debug events', async () => {
    const auth = bearer(p.tenantToken);
    const conv = await p
      .http()
      .post('/api/converter')
      .set(auth)
      .send({ name: `forger-${rnd()}`, type: 'UPLINK', debugMode: true, configuration: { scriptLang: 'JS', decoder: DECODER } });
    expect(conv.status).toBe(200);
    const prefix = `forge-${rnd()}`;
    const { id } = await createIntegration(p, { converterId: conv.body.id.id, filters: [{ filter: `${prefix}/#`, qos: 1 }], debugMode: true });
    await waitStatus(p, id, 'CONNECTED');
    for (let i = 0; i < 5; i++) await send(`${prefix}/x`, { d: 'GOOD', forge: 250_000 });
    await eventually(async () => (await status(id)).messagesIn === 5);
    const rows = await eventually(async () => {
      const r = (await p.http().get(`/api/events/CONVERTER/${conv.body.id.id}?pageSize=100&page=0`).set(auth)).body.data as { body: { out: string } }[];
      return r.length === 5 ? r : null;
    });
    for (const e of rows) expect(e.body.out).toMatch(/… \[cut: \d{6} characters\]$/);
    const [size] = await p.db.query<{ n: string }>(`SELECT max(length(body::text)) AS n FROM debug_event`);
    expect(Number(size!.n)).toBeLessThan(8192 * 1.1);
    await p.http().delete(`/api/integration/${id}`).set(auth);
  }, 60_000);

  it('converters, integrations, rule chains and dashboards per tenant: the one over the limit is a 400 with a sentence', async () => {
    const other = await createTenantWithAdmin(p, `Caps ${rnd()}`);
    const auth = bearer(other.token);
    const refusal = (n: number, what: string, key: string) =>
      `Your tenant already has ${n} ${what}, the most this platform allows (${key}); delete some or ask the system administrator to raise the limit`;
    const converters: string[] = [];
    for (let i = 0; i < 3; i++) converters.push(await createConverter(p, DECODER, other.token));
    const c4 = await p.http().post('/api/converter').set(auth).send({ name: 'fourth', type: 'UPLINK', configuration: { scriptLang: 'JS', decoder: DECODER } });
    expect([c4.status, c4.body.message]).toEqual([400, refusal(3, 'converters', 'TENANT_MAX_CONVERTERS')]);
    // an update is not a creation
    const again = await p.http().get(`/api/converter/${converters[0]}`).set(auth);
    expect((await p.http().post('/api/converter').set(auth).send({ ...again.body, name: 'renamed' })).status).toBe(200);
    for (let i = 0; i < 3; i++) await createIntegration(p, { converterId: converters[0]!, filters: [{ filter: `${rnd()}/#`, qos: 0 }], cleanSession: true }, other.token);
    const i4 = await createIntegration(p, { converterId: converters[0]!, filters: [{ filter: `${rnd()}/#`, qos: 0 }] }, other.token).catch((e: Error) => e.message);
    expect(i4).toContain(refusal(3, 'integrations', 'TENANT_MAX_INTEGRATIONS'));
    // the tenant's Root Rule Chain is one of the two
    expect((await p.http().post('/api/ruleChain').set(auth).send({ name: 'second' })).status).toBe(200);
    const r3 = await p.http().post('/api/ruleChain').set(auth).send({ name: 'third' });
    expect([r3.status, r3.body.message]).toEqual([400, refusal(2, 'rule chains', 'TENANT_MAX_RULE_CHAINS')]);
    for (let i = 0; i < 2; i++) expect((await p.http().post('/api/dashboard').set(auth).send({ title: `d${i}`, configuration: {} })).status).toBe(200);
    const d3 = await p.http().post('/api/dashboard').set(auth).send({ title: 'd3', configuration: {} });
    expect([d3.status, d3.body.message]).toEqual([400, refusal(2, 'dashboards', 'TENANT_MAX_DASHBOARDS')]);
  }, 60_000);
});
