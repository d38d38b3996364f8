import type { DeviceInfo, HomeSummary, PageData, TenantUsage } from '@bridgeboard/contracts';
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
  GUIDE_DECODER,
  publisher,
  rnd,
} from '../integrations/test-kit.js';
import { waitConnected } from '../rpc/rpc-kit.js';

describe("device activity (ThingsBoard's active / lastActivityTime), home page counts, tenants' usage", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  /** A tenant with the guide's converter and an integration on a private prefix, connected. */
  async function guideTenant(title: string) {
    const t = await createTenantWithAdmin(p, title);
    const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const converterId = await createConverter(p, GUIDE_DECODER, t.token);
    const filters = [{ filter: `${prefix}/+/temperature`, qos: 1 as const }];
    const { id } = await createIntegration(p, { converterId, filters, cleanSession: true }, t.token);
    await waitConnected(p, id, t.token);
    return { t, prefix, id };
  }

  it('an uplink makes SN-001 active with its lastActivityTime; silent past its inactivityTimeout it turns inactive; the home page and the sysadmin count it', async () => {
    const { t, prefix } = await guideTenant(`Activity ${rnd()}`);
    const auth = bearer(t.token);
    await p.http().post('/api/device').set(auth).send({ name: 'SN-002', type: 'sensor' }).expect(200);
    const before = Date.now();
    const pub = await publisher(p.mqttUrl);
    for (let k = 0; k < 5; k++)
      await pub.publishAsync(`${prefix}/SN-001/temperature`, `{"value":${20 + k}}`, { qos: 1 });
    await pub.endAsync();

    const infos = async () =>
      (
        await p
          .http()
          .get('/api/tenant/deviceInfos?pageSize=10&page=0&sortProperty=name&sortOrder=ASC')
          .set(auth)
          .expect(200)
      ).body as PageData<DeviceInfo>;
    const page = await eventually(async () => {
      const x = await infos();
      return x.data.find((d) => d.name === 'SN-001')?.active ? x : null;
    }, 20_000);
    const sn1 = page.data.find((d) => d.name === 'SN-001')!;
    expect(sn1.lastActivityTime).toBeGreaterThanOrEqual(before);
    expect(page.data.find((d) => d.name === 'SN-002')).toMatchObject({
      active: false,
      lastActivityTime: null,
    });
    // the same state as ThingsBoard's server attributes
    const attrs = await p
      .http()
      .get(
        `/api/plugins/telemetry/DEVICE/${sn1.id.id}/values/attributes/SERVER_SCOPE?keys=active,lastActivityTime`,
      )
      .set(auth);
    expect(
      Object.fromEntries(attrs.body.map((a: { key: string; value: unknown }) => [a.key, a.value])),
    ).toEqual({ active: true, lastActivityTime: sn1.lastActivityTime });

    const home = (await p.http().get('/api/home').set(auth).expect(200)).body as HomeSummary;
    expect(home.devices).toEqual({ total: 2, active: 1, inactive: 1 });
    expect(home.recentErrors).toEqual([]);

    // its own inactivityTimeout (ms, as ThingsBoard): silent longer than that, it turns inactive
    await p
      .http()
      .post(`/api/plugins/telemetry/DEVICE/${sn1.id.id}/attributes/SERVER_SCOPE`)
      .set(auth)
      .send({ inactivityTimeout: 1000 })
      .expect(200);
    await eventually(
      async () => (await infos()).data.find((d) => d.name === 'SN-001')?.active === false,
      20_000,
    );
    expect(((await p.http().get('/api/home').set(auth)).body as HomeSummary).devices).toEqual({
      total: 2,
      active: 0,
      inactive: 2,
    });

    // the sysadmin sees the tenant's usage; a tenant admin may not
    const usage = (await p.http().get('/api/admin/usage').set(bearer(p.sysadminToken)).expect(200))
      .body as TenantUsage[];
    const mine = usage.find((u) => u.tenantId === t.tenantId)!;
    expect(mine).toMatchObject({
      devices: 2,
      activeDevices: 0,
      integrations: 1,
      messages: expect.any(Number),
    });
    // the guide's decoder stamps no ts: messages decoded in one batch may share a millisecond and one point
    expect(mine.dataPoints).toBeGreaterThanOrEqual(1);
    expect((await p.http().get('/api/admin/usage').set(auth)).status).toBe(403);
  });

  it("a tenant deleted while its device's activity waits to be written does not stop other tenants' activity", async () => {
    const gone = await guideTenant(`Gone ${rnd()}`);
    const kept = await guideTenant(`Kept ${rnd()}`);
    const pub = await publisher(p.mqttUrl);
    await pub.publishAsync(`${gone.prefix}/SN-9/temperature`, '{"value":1}', { qos: 1 });
    await eventually(() => deviceByName(p, 'SN-9', gone.t.token));
    await p.http().delete(`/api/tenant/${gone.t.tenantId}`).set(bearer(p.sysadminToken)).expect(200);
    await pub.publishAsync(`${kept.prefix}/SN-1/temperature`, '{"value":2}', { qos: 1 });
    await pub.endAsync();
    await eventually(async () => {
      const r = await p.http().get('/api/tenant/deviceInfos?pageSize=10&page=0').set(bearer(kept.t.token));
      return (r.body as PageData<DeviceInfo>).data.find((d) => d.name === 'SN-1')?.active;
    }, 20_000);
  });

  it('the home page lists recent errors, newest first', async () => {
    const { t, prefix, id } = await guideTenant(`Errors ${rnd()}`);
    const pub = await publisher(p.mqttUrl);
    await pub.publishAsync(`${prefix}/SN-001/temperature`, 'not json', { qos: 1 });
    await pub.endAsync();
    const home = await eventually(async () => {
      const h = (await p.http().get('/api/home').set(bearer(t.token))).body as HomeSummary;
      return h.recentErrors.length ? h : null;
    });
    expect(home.recentErrors[0]).toMatchObject({
      entityId: { entityType: 'INTEGRATION', id },
      body: { error: expect.stringMatching(/./) },
      traceId: expect.any(String),
    });
  });
});
