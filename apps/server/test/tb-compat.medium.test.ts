// ThingsBoard's own REST client against Bridgeboard (issue 15): each point the client needs, over REST.
// The client itself walks the guide in e2e/tb-client (pnpm test:tb-client).
import { GUIDE_DECODER, GUIDE_ENCODER } from '@bridgeboard/contracts';
import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from './helpers.js';
import {
  createConverter,
  integrationBody,
  publisher,
  rnd,
  waitStatus,
} from '../src/modules/integrations/test-kit.js';
import { addDownlinkNode, createDevice, DOWNLINK_NODE } from '../src/modules/rpc/rpc-kit.js';

describe('ThingsBoard REST client compatibility', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  beforeAll(async () => {
    p = await startTestPlatform();
    auth = bearer(p.tenantToken);
  });
  afterAll(async () => {
    await p.stop();
  });
  const post = (url: string, body: unknown, a = auth) =>
    p
      .http()
      .post(url)
      .set(a)
      .send(body as object);
  const get = (url: string, a = auth) => p.http().get(url).set(a);

  describe('1. integration routingKey and secret', () => {
    it('keeps the routingKey and secret that are sent, makes a UUID when none is, returns both on every read and keeps them on update', async () => {
      const conv = await createConverter(p, GUIDE_DECODER);
      const body = {
        ...integrationBody(p, { converterId: conv, filters: [{ filter: `rk/${rnd()}/#`, qos: 0 }] }),
        enabled: false,
      };
      const sent = await post('/api/integration', { ...body, routingKey: 'my-routing-key', secret: 'abc' });
      expect(sent.status).toBe(200);
      expect(sent.body).toMatchObject({ routingKey: 'my-routing-key', secret: 'abc', version: 1 });
      // a body of its own: an MQTT client id belongs to one integration
      const made = await post('/api/integration', {
        ...integrationBody(p, { converterId: conv, filters: [{ filter: `rk/${rnd()}/#`, qos: 0 }] }),
        enabled: false,
        name: 'no key',
      });
      expect(made.body.routingKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(made.body.secret).toBeNull();
      expect((await get(`/api/integration/${made.body.id.id}`)).body.routingKey).toBe(made.body.routingKey);
      const listed = (await get('/api/integrations?pageSize=10&page=0')).body.data;
      expect(listed.map((i: { routingKey: string }) => i.routingKey).sort()).toEqual(
        [made.body.routingKey, 'my-routing-key'].sort(),
      );
      // an update without routingKey keeps the stored one (as the web app sends it back, so does the client)
      const { routingKey: _k, ...withoutKey } = made.body;
      const updated = await post('/api/integration', { ...withoutKey, name: 'renamed' });
      expect(updated.body).toMatchObject({ name: 'renamed', routingKey: made.body.routingKey, version: 2 });
      expect((await get('/api/integration/routingKey/my-routing-key')).body.id.id).toBe(sent.body.id.id);
      const clash = await post('/api/integration', {
        ...integrationBody(p, { converterId: conv, filters: [{ filter: `rk/${rnd()}/#`, qos: 0 }] }),
        enabled: false,
        name: 'clash',
        routingKey: 'my-routing-key',
      });
      expect(clash.status).toBe(400);
      expect(clash.body.message).toMatch(/routingKey.*'my-routing-key' is already used/);
      // routing keys are per tenant: another tenant neither sees nor collides with this one
      const other = await createTenantWithAdmin(p, `RK ${rnd()}`);
      expect((await get('/api/integration/routingKey/my-routing-key', bearer(other.token))).status).toBe(404);
      const otherConv = await createConverter(p, GUIDE_DECODER, other.token);
      const theirs = await post(
        '/api/integration',
        {
          ...integrationBody(p, { converterId: otherConv, filters: [{ filter: `rk/${rnd()}/#`, qos: 0 }] }),
          enabled: false,
          routingKey: 'my-routing-key',
        },
        bearer(other.token),
      );
      expect(theirs.status).toBe(200);
    });
  });

  describe('2. device profiles', () => {
    it('gives every tenant a default profile and every device the profile its type names, created on first use', async () => {
      const t = await createTenantWithAdmin(p, `Profiles ${rnd()}`);
      const a = bearer(t.token);
      const def = await get('/api/deviceProfileInfo/default', a);
      expect(def.body).toMatchObject({
        name: 'default',
        type: 'DEFAULT',
        transportType: 'DEFAULT',
        id: { entityType: 'DEVICE_PROFILE' },
      });
      const plain = await post('/api/device', { name: 'no-type' }, a);
      expect(plain.body).toMatchObject({ type: 'default', deviceProfileId: def.body.id, version: 1 });
      const sensor = await post('/api/device', { name: 'S-1', type: 'sensor' }, a);
      const profile = await get(`/api/deviceProfile/${sensor.body.deviceProfileId.id}`, a);
      expect(profile.body).toMatchObject({
        name: 'sensor',
        default: false,
        type: 'DEFAULT',
        transportType: 'DEFAULT',
        provisionType: 'DISABLED',
        tenantId: { id: t.tenantId },
      });
      const again = await post('/api/device', { name: 'S-2', type: 'sensor' }, a);
      expect(again.body.deviceProfileId).toEqual(sensor.body.deviceProfileId);
      const page = await get('/api/deviceProfiles?pageSize=10&page=0&sortProperty=name&sortOrder=ASC', a);
      expect(page.body.data.map((x: { name: string; default: boolean }) => [x.name, x.default])).toEqual([
        ['default', true],
        ['sensor', false],
      ]);
      for (const d of [plain, sensor]) {
        expect((await get(`/api/device/${d.body.id.id}`, a)).body.deviceProfileId).toEqual(
          d.body.deviceProfileId,
        );
        expect((await get(`/api/tenant/devices?deviceName=${d.body.name}`, a)).body.deviceProfileId).toEqual(
          d.body.deviceProfileId,
        );
      }
      expect(
        (await get('/api/tenant/devices?pageSize=10&page=0', a)).body.data.every(
          (d: { deviceProfileId?: unknown }) => d.deviceProfileId,
        ),
      ).toBe(true);
    });

    it('saves a profile; a device saved with it takes its name as type; renaming the profile renames the type; another tenant cannot see it', async () => {
      const p1 = await post('/api/deviceProfile', {
        name: 'thermostat',
        type: 'DEFAULT',
        transportType: 'DEFAULT',
        profileData: { configuration: { type: 'DEFAULT' } },
      });
      expect(p1.status).toBe(200);
      expect((await post('/api/deviceProfile', { name: 'thermostat' })).body.message).toMatch(
        /'thermostat' already exists/,
      );
      expect((await post('/api/deviceProfile', { name: 'x', transportType: 'MQTT' })).status).toBe(400);
      const d = await post('/api/device', {
        name: `TH-${rnd()}`,
        type: 'ignored',
        deviceProfileId: p1.body.id,
      });
      expect(d.body).toMatchObject({ type: 'thermostat', deviceProfileId: p1.body.id });
      const renamed = await post('/api/deviceProfile', { ...p1.body, name: 'thermostat-v2' });
      expect(renamed.body).toMatchObject({ name: 'thermostat-v2', version: 2 });
      expect((await get(`/api/device/${d.body.id.id}`)).body.type).toBe('thermostat-v2');
      expect((await post('/api/deviceProfile', { ...p1.body, name: 'stale' })).status).toBe(409);
      const missing = await post('/api/device', {
        name: 'ghost',
        deviceProfileId: { entityType: 'DEVICE_PROFILE', id: '00000000-0000-4000-8000-000000000001' },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/deviceProfileId/);
      const other = await createTenantWithAdmin(p, `Other ${rnd()}`);
      expect((await get(`/api/deviceProfile/${p1.body.id.id}`, bearer(other.token))).status).toBe(404);
    });

    it('an integration creates its devices with the profile of their deviceType', async () => {
      const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
      const conv = await createConverter(p, GUIDE_DECODER);
      const i = await post(
        '/api/integration',
        integrationBody(p, {
          converterId: conv,
          filters: [{ filter: `${prefix}/+/temperature`, qos: 0 }],
          cleanSession: true,
        }),
      );
      await waitStatus(p, i.body.id.id, 'CONNECTED');
      const pub = await publisher(p.mqttUrl);
      await pub.publishAsync(`${prefix}/SN-P1/temperature`, '{"value":20}');
      await pub.publishAsync(`${prefix}/SN-P2/temperature`, '{"value":21}');
      const devices = await eventually(async () => {
        const r = await get('/api/tenant/devices?pageSize=10&page=0&textSearch=SN-P');
        // the page's rows and its count are two queries: a device committed between them shows in the count only
        return r.body.totalElements === 2 && r.body.data.length === 2 ? r.body.data : null;
      });
      await pub.endAsync();
      const ids = new Set(devices.map((d: { deviceProfileId: { id: string } }) => d.deviceProfileId.id));
      expect(ids.size).toBe(1);
      expect((await get(`/api/deviceProfile/${[...ids][0]}`)).body.name).toBe('sensor');
    });
  });

  describe('2b. device profile limit', () => {
    it('refuses a profile past TENANT_MAX_DEVICE_PROFILES, over REST and for a device of a new type, naming the key', async () => {
      const small = await startTestPlatform({ TENANT_MAX_DEVICE_PROFILES: '2' });
      try {
        const a = bearer(small.tenantToken);
        await small.http().post('/api/device').set(a).send({ name: 'd1', type: 'default' }).expect(200);
        await small.http().post('/api/deviceProfile').set(a).send({ name: 'second' }).expect(200);
        const rest = await small.http().post('/api/deviceProfile').set(a).send({ name: 'third' });
        expect(rest.status).toBe(400);
        expect(rest.body.message).toMatch(/2 device profiles.*TENANT_MAX_DEVICE_PROFILES/);
        const dev = await small.http().post('/api/device').set(a).send({ name: 'd2', type: 'brand-new' });
        expect(dev.status).toBe(400);
        expect(
          (await small.http().post('/api/device').set(a).send({ name: 'd3', type: 'second' })).status,
        ).toBe(200);
      } finally {
        await small.stop();
      }
    });
  });

  describe('3. booleans in query strings', () => {
    it('reads useStrictDataTypes=True, TRUE and false alike, and names the parameter for anything else', async () => {
      const id = await createDevice(p, `B-${rnd()}`);
      await post(`/api/plugins/telemetry/DEVICE/${id}/timeseries/ANY`, { t: 21.5 }).expect(200);
      for (const v of ['True', 'TRUE', 'true'])
        expect(
          (await get(`/api/plugins/telemetry/DEVICE/${id}/values/timeseries?keys=t&useStrictDataTypes=${v}`))
            .body.t[0].value,
        ).toBe(21.5);
      expect(
        (await get(`/api/plugins/telemetry/DEVICE/${id}/values/timeseries?keys=t&useStrictDataTypes=False`))
          .body.t[0].value,
      ).toBe('21.5');
      const bad = await get(
        `/api/plugins/telemetry/DEVICE/${id}/values/timeseries?keys=t&useStrictDataTypes=yes`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/useStrictDataTypes/);
    });
  });

  describe('4 and 5. typed events and debugIn', () => {
    it("serves a converter's and an integration's debug events on ThingsBoard's typed path, and debugIn as {inContent, inContentType, inMetadata}", async () => {
      const prefix = `${rnd()}/sensors`;
      const conv = await post('/api/converter', {
        name: `ev-${rnd()}`,
        type: 'UPLINK',
        debugMode: true,
        configuration: {
          scriptLang: 'JS',
          decoder: GUIDE_DECODER.replace(
            "'tb/mqtt-integration-tutorial/sensors/(.+)/temperature'",
            `'${prefix}/(.+)/temperature'`,
          ),
        },
      });
      const convId = conv.body.id.id;
      const i = await post('/api/integration', {
        ...integrationBody(p, {
          converterId: convId,
          filters: [{ filter: `${prefix}/+/temperature`, qos: 0 }],
          cleanSession: true,
        }),
        debugMode: true,
      });
      await waitStatus(p, i.body.id.id, 'CONNECTED');
      const pub = await publisher(p.mqttUrl);
      await pub.publishAsync(`${prefix}/SN-E/temperature`, '{"value":25.1}');
      await pub.endAsync();
      const tenantId = conv.body.tenantId.id;
      const page = await eventually(async () => {
        const r = await get(
          `/api/events/CONVERTER/${convId}/DEBUG_CONVERTER?tenantId=${tenantId}&pageSize=10&page=0`,
        );
        return r.body.totalElements === 1 ? r.body : null;
      });
      const e = page.data[0];
      expect(e).toMatchObject({
        id: { id: expect.any(String) },
        createdTime: expect.any(Number),
        tenantId: { id: tenantId },
        entityId: { entityType: 'CONVERTER', id: convId },
        type: 'DEBUG_CONVERTER',
        uid: expect.any(String),
      });
      expect(e.body).toMatchObject({
        type: 'Uplink',
        inMessageType: 'JSON',
        in: '{"value":25.1}',
        outMessageType: 'JSON',
        error: null,
      });
      expect(JSON.parse(e.body.metadata)).toMatchObject({ topic: `${prefix}/SN-E/temperature` });
      expect(JSON.parse(e.body.out)).toMatchObject({ deviceName: 'SN-E', deviceType: 'sensor' });
      for (const t of ['LC_EVENT', 'ERROR', 'STATS'])
        expect(
          (await get(`/api/events/CONVERTER/${convId}/${t}?tenantId=${tenantId}&pageSize=10&page=0`)).body
            .totalElements,
        ).toBe(0);
      expect((await get(`/api/events/CONVERTER/${convId}/NOPE?pageSize=10&page=0`)).status).toBe(400);
      const integ = await get(
        `/api/events/INTEGRATION/${i.body.id.id}/DEBUG_INTEGRATION?tenantId=${tenantId}&pageSize=10&page=0`,
      );
      expect(
        integ.body.data.some(
          (x: { body: { type: string; message: string } }) =>
            x.body.type === 'Uplink' && x.body.message === '{"value":25.1}',
        ),
      ).toBe(true);
      // the untyped path keeps our own shape, for the web app's Events tabs
      const untyped = await get(`/api/events/CONVERTER/${convId}?pageSize=10&page=0`);
      expect(untyped.body.data[0].body).toMatchObject({
        in: '{"value":25.1}',
        inContentType: 'JSON',
        metadata: { topic: `${prefix}/SN-E/temperature` },
      });
      const debugIn = await get(`/api/converter/${convId}/debugIn`);
      expect(debugIn.body).toMatchObject({ inContent: '{"value":25.1}', inContentType: 'JSON' });
      expect(JSON.parse(debugIn.body.inMetadata)).toMatchObject({ topic: `${prefix}/SN-E/temperature` });
    });
  });

  describe('6. component descriptors', () => {
    it('lists node types as ComponentDescriptor, filtered by componentTypes and ruleChainType, and serves one by clazz', async () => {
      const all = (await get('/api/components')).body;
      const some = (await get('/api/components?componentTypes=ACTION,FILTER&ruleChainType=CORE')).body;
      expect(some.length).toBeGreaterThan(0);
      expect(some.length).toBeLessThan(all.length);
      expect(new Set(some.map((d: { type: string }) => d.type))).toEqual(new Set(['ACTION', 'FILTER']));
      expect(
        (await get('/api/components/FILTER')).body.every((d: { type: string }) => d.type === 'FILTER'),
      ).toBe(true);
      expect((await get('/api/components?componentTypes=ACTION&ruleChainType=EDGE')).body).toEqual([]);
      expect((await get('/api/components?componentTypes=SPACESHIP')).status).toBe(400);
      const one = await get(`/api/component/${DOWNLINK_NODE}`);
      expect(one.body).toMatchObject({
        clazz: DOWNLINK_NODE,
        type: 'ACTION',
        scope: 'TENANT',
        name: 'integration downlink',
      });
      expect(one.body.id).toEqual(all.find((d: { clazz: string }) => d.clazz === DOWNLINK_NODE).id);
      expect((await get('/api/component/org.example.Nope')).status).toBe(404);
    });
  });

  describe('7. RPC: 408, v2 paths, persistent paging; rule chain connections', () => {
    it('answers a two-way call nobody answers with 408, takes one-way and persistent two-way calls on /api/rpc/…, pages persistent calls', async () => {
      const deviceId = await createDevice(p, `R-${rnd()}`);
      const dl = await createConverter(p, GUIDE_ENCODER, p.tenantToken, 'DOWNLINK');
      const up = await createConverter(p, GUIDE_DECODER);
      const i = await post('/api/integration', {
        ...integrationBody(p, {
          converterId: up,
          filters: [{ filter: `rpc/${rnd()}/#`, qos: 0 }],
          cleanSession: true,
        }),
        downlinkConverterId: { entityType: 'CONVERTER', id: dl },
      });
      await waitStatus(p, i.body.id.id, 'CONNECTED');
      await addDownlinkNode(p, i.body.id.id);
      expect((await post(`/api/rpc/oneway/${deviceId}`, { method: 'setValue', params: 32 })).status).toBe(
        200,
      );
      const timedOut = await post(`/api/rpc/twoway/${deviceId}`, {
        method: 'getValue',
        params: {},
        timeout: 300,
      });
      expect(timedOut.status).toBe(408);
      expect(timedOut.body).toMatchObject({ status: 408, message: expect.stringMatching(/did not answer/) });
      const persistent = await post(`/api/rpc/twoway/${deviceId}`, {
        method: 'getValue',
        params: {},
        persistent: true,
        expirationTime: Date.now() + 60_000,
        retries: 2,
      });
      expect(persistent.body.rpcId).toEqual(expect.any(String));
      const page = await get(`/api/rpc/persistent/device/${deviceId}?pageSize=10&page=0`);
      expect(page.body).toMatchObject({
        totalElements: 1,
        data: [{ id: { entityType: 'RPC', id: persistent.body.rpcId } }],
      });
      expect(
        (await get(`/api/rpc/persistent/device/${deviceId}?pageSize=10&page=0&rpcStatus=DELETED`)).body
          .totalElements,
      ).toBe(0);
    });

    it('sends ruleChainConnections as [], firstNodeIndex -1 for an empty chain, and the chain version with the metadata', async () => {
      const empty = (await post('/api/ruleChain', { name: `E-${rnd()}` })).body;
      expect((await get(`/api/ruleChain/${empty.id.id}/metadata`)).body).toMatchObject({
        firstNodeIndex: -1,
        nodes: [],
        connections: [],
        ruleChainConnections: [],
      });
      const chains = (await get('/api/ruleChains?pageSize=10&page=0')).body.data;
      const root = chains.find((c: { root: boolean }) => c.root);
      const md = (await get(`/api/ruleChain/${root.id.id}/metadata`)).body;
      expect(md.ruleChainConnections).toEqual([]);
      expect(md.version).toBe((await get(`/api/ruleChain/${root.id.id}`)).body.version);
    });
  });

  describe('8. optimistic locking', () => {
    it('refuses a save with a stale version (409, naming what to do) on converters, integrations, devices, rule chains and dashboards; a save without version overwrites', async () => {
      const convId = await createConverter(p, GUIDE_DECODER);
      const conv = (await get(`/api/converter/${convId}`)).body;
      const integ = (
        await post('/api/integration', {
          ...integrationBody(p, { converterId: convId, filters: [{ filter: `v/${rnd()}/#`, qos: 0 }] }),
          enabled: false,
        })
      ).body;
      const device = (await post('/api/device', { name: `V-${rnd()}`, type: 'sensor' })).body;
      const chain = (await post('/api/ruleChain', { name: `V-${rnd()}` })).body;
      const dash = (await post('/api/dashboard', { title: `V-${rnd()}` })).body;
      const cases: [string, string, Record<string, unknown>, string][] = [
        ['/api/converter', `/api/converter/${convId}`, conv, 'Converter'],
        ['/api/integration', `/api/integration/${integ.id.id}`, integ, 'Integration'],
        ['/api/device', `/api/device/${device.id.id}`, device, 'Device'],
        ['/api/ruleChain', `/api/ruleChain/${chain.id.id}`, chain, 'Rule chain'],
        ['/api/dashboard', `/api/dashboard/${dash.id.id}`, dash, 'Dashboard'],
      ];
      for (const [url, read, entity, what] of cases) {
        expect(entity.version).toBe(1);
        const first = await post(url, entity);
        expect(first.status).toBe(200);
        expect(first.body.version).toBe(2);
        const stale = await post(url, entity);
        expect(stale.status).toBe(409);
        expect(stale.body).toMatchObject({ status: 409, staleVersion: true, currentVersion: 2 });
        expect(stale.body.message).toMatch(
          new RegExp(
            `^${what} '.+' was changed by someone else .*reload it, or save again without "version" to overwrite`,
          ),
        );
        const { version: _v, ...overwrite } = entity;
        expect((await post(url, overwrite)).body.version).toBe(3);
        expect((await get(read)).body.version).toBe(3);
      }
      // the nodes of a chain are part of it: a metadata save moves the version on and checks it
      const md = (await get(`/api/ruleChain/${chain.id.id}/metadata`)).body;
      expect((await post('/api/ruleChain/metadata', { ...md, version: md.version })).body.version).toBe(
        md.version + 1,
      );
      expect((await post('/api/ruleChain/metadata', { ...md, version: md.version })).status).toBe(409);
      // another tenant's id stays a 404, whatever the version
      const other = await createTenantWithAdmin(p, `V ${rnd()}`);
      expect(
        (
          await post(
            '/api/device',
            { ...device, deviceProfileId: undefined, version: 1 },
            bearer(other.token),
          )
        ).status,
      ).toBe(404);
    });
  });
});
