import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import {
  GUIDE_DECODER,
  GUIDE_ENCODER,
  UNRESOLVED_ENTITY_ID,
  type ExportDocument,
} from '@bridgeboard/contracts';
import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';

const DOWNLINK_NODE = 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode';

describe('import and export', () => {
  let p: TestPlatform;
  let broker: URL;
  beforeAll(async () => {
    p = await startTestPlatform();
    broker = new URL(p.mqttUrl);
  });
  afterAll(async () => {
    await p.stop();
  });

  const api = (token: string) => ({
    get: (path: string) => p.http().get(path).set(bearer(token)),
    post: (path: string, body?: unknown) =>
      p
        .http()
        .post(path)
        .set(bearer(token))
        .send(body as object),
  });

  /** The guide's converters and an integration (basic credentials) on a private topic prefix. */
  async function guideSetup(token: string, password: string) {
    const a = api(token);
    const up = await a.post('/api/converter', {
      name: 'MQTT Uplink',
      type: 'UPLINK',
      configuration: { decoder: GUIDE_DECODER },
    });
    const down = await a.post('/api/converter', {
      name: 'MQTT Downlink',
      type: 'DOWNLINK',
      configuration: { encoder: GUIDE_ENCODER },
    });
    const integ = await a.post('/api/integration', {
      name: 'MQTT Integration',
      type: 'MQTT',
      enabled: false,
      defaultConverterId: up.body.id,
      downlinkConverterId: down.body.id,
      configuration: {
        clientConfiguration: {
          host: 'broker.example.com',
          port: 1883,
          credentials: { type: 'basic', username: 'dev', password },
        },
        topicFilters: [{ filter: `t-${randomBytes(3).toString('hex')}/+/temperature`, qos: 0 }],
      },
    });
    expect(integ.status).toBe(200);
    return {
      up: up.body.id.id as string,
      down: down.body.id.id as string,
      integration: integ.body.id.id as string,
    };
  }

  it('exports an integration with its converters and without its password, and imports it into another tenant with new ids', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const src = await guideSetup(p.tenantToken, password);
    const exp = await api(p.tenantToken).get(`/api/integration/${src.integration}/export`);
    expect(exp.status).toBe(200);
    expect(JSON.stringify(exp.body)).not.toContain(password);
    const doc = exp.body as ExportDocument;
    expect(doc.converters.map((c) => c.name).sort()).toEqual(['MQTT Downlink', 'MQTT Uplink']);
    expect(doc.integrations[0]!.configuration).toMatchObject({
      clientConfiguration: { credentials: { type: 'basic', username: 'dev' } },
    });

    const b = await createTenantWithAdmin(p, `Importer${randomBytes(2).toString('hex')}`);
    const imp = await api(b.token).post('/api/import', doc);
    expect(imp.status).toBe(200);
    expect(imp.body.warnings).toEqual([
      expect.stringMatching(/Integration 'MQTT Integration' uses basic credentials.*enter them/),
    ]);
    const made = Object.fromEntries(
      imp.body.created.map((e: { entityType: string; id: string }) => [e.entityType, e.id]),
    );
    const converterIds = imp.body.created
      .filter((e: { entityType: string }) => e.entityType === 'CONVERTER')
      .map((e: { id: string }) => e.id);
    for (const id of [...converterIds, made.INTEGRATION])
      expect([src.up, src.down, src.integration]).not.toContain(id);

    const integ = (await api(b.token).get(`/api/integration/${made.INTEGRATION}`)).body;
    expect(integ.tenantId.id).toBe(b.tenantId);
    expect(converterIds).toContain(integ.defaultConverterId.id);
    expect(converterIds).toContain(integ.downlinkConverterId.id);
    expect(
      (await api(b.token).get(`/api/converter/${integ.defaultConverterId.id}`)).body.configuration.decoder,
    ).toBe(GUIDE_DECODER);
    // the source tenant keeps its own, and neither tenant sees the other's
    expect((await api(p.tenantToken).get(`/api/integration/${made.INTEGRATION}/export`)).status).toBe(404);
    expect((await api(b.token).get(`/api/integration/${src.integration}/export`)).status).toBe(404);
    expect(
      (await api(p.tenantToken).get(`/api/integration/${src.integration}`)).body.defaultConverterId.id,
    ).toBe(src.up);
  });

  it('round-trips a rule chain: the Integration Downlink node points at the imported integration', async () => {
    const src = await guideSetup(p.tenantToken, 'x');
    const a = api(p.tenantToken);
    const chain = await a.post('/api/ruleChain', { name: `Downlinks ${randomBytes(2).toString('hex')}` });
    await a.post('/api/ruleChain/metadata', {
      ruleChainId: chain.body.id,
      firstNodeIndex: 0,
      nodes: [
        {
          type: 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode',
          name: 'Switch',
          configuration: { version: 0 },
          additionalInfo: { layoutX: 1, layoutY: 2 },
        },
        {
          type: DOWNLINK_NODE,
          name: 'MQTT Integration Downlink',
          configuration: { integrationId: src.integration },
          additionalInfo: { layoutX: 3, layoutY: 4 },
        },
      ],
      connections: [{ fromIndex: 0, toIndex: 1, type: 'RPC Request to Device' }],
    });
    const doc = (await a.get(`/api/ruleChain/${chain.body.id.id}/export`)).body as ExportDocument;
    expect(doc.integrations.map((i) => i.id.id)).toEqual([src.integration]);
    expect(doc.converters).toHaveLength(2);

    const b = await createTenantWithAdmin(p, `Chains${randomBytes(2).toString('hex')}`);
    const imp = await api(b.token).post('/api/import', doc);
    expect(imp.status).toBe(200);
    const made = Object.fromEntries(
      imp.body.created.map((e: { entityType: string; id: string }) => [e.entityType, e.id]),
    );
    const meta = (await api(b.token).get(`/api/ruleChain/${made.RULE_CHAIN}/metadata`)).body;
    expect(meta.nodes.map((n: { name: string }) => n.name)).toEqual(['Switch', 'MQTT Integration Downlink']);
    expect(meta.nodes[1].configuration.integrationId).toBe(made.INTEGRATION);
    expect(meta.nodes[1].additionalInfo).toEqual({ layoutX: 3, layoutY: 4 });
    expect(meta.connections).toEqual([{ fromIndex: 0, toIndex: 1, type: 'RPC Request to Device' }]);
    expect(meta.firstNodeIndex).toBe(0);
    // a non-root chain stays non-root; B's Root Rule Chain is still its root
    const chains = (await api(b.token).get('/api/ruleChains?pageSize=10&page=0')).body.data;
    expect(chains.find((c: { id: { id: string } }) => c.id.id === made.RULE_CHAIN).root).toBe(false);
    // the same document imported again into the source tenant makes copies, never touches the originals
    const again = await a.post('/api/import', doc);
    expect(again.status).toBe(200);
    expect(
      (await a.get(`/api/ruleChain/${chain.body.id.id}/metadata`)).body.nodes[1].configuration.integrationId,
    ).toBe(src.integration);
  });

  it("binds a dashboard alias to the importing tenant's device of the same name, never to the exporting tenant's device", async () => {
    const a = api(p.tenantToken);
    const name = `SN-${randomBytes(3).toString('hex')}`;
    const deviceA = (await a.post('/api/device', { name, type: 'sensor' })).body.id.id as string;
    const dash = await a.post('/api/dashboard', {
      title: 'MQTT Dashboard',
      configuration: {
        entityAliases: {
          s1: {
            id: 's1',
            alias: 'Sensor',
            filter: { type: 'singleEntity', singleEntity: { entityType: 'DEVICE', id: deviceA } },
          },
        },
        widgets: {
          w1: {
            id: 'w1',
            type: 'knob-control',
            title: 'Knob',
            datasources: [{ type: 'entity', entityAliasId: 's1' }],
            settings: { minValue: 15, maxValue: 45 },
          },
        },
        layout: { columns: 24, widgets: { w1: { col: 0, row: 0, sizeX: 6, sizeY: 6 } } },
      },
    });
    const doc = (await a.get(`/api/dashboard/${dash.body.id.id}/export`)).body as ExportDocument;
    expect(
      (doc.dashboards[0]!.configuration as { entityAliases: Record<string, { filter: unknown }> })
        .entityAliases.s1!.filter,
    ).toMatchObject({ entityName: name });

    const b = await createTenantWithAdmin(p, `Dash${randomBytes(2).toString('hex')}`);
    const deviceB = (await api(b.token).post('/api/device', { name, type: 'sensor' })).body.id.id as string;
    const imp = await api(b.token).post('/api/import', doc);
    expect(imp.body.warnings).toEqual([]);
    const got = (await api(b.token).get(`/api/dashboard/${imp.body.created[0].id}`)).body;
    expect(got.configuration.entityAliases.s1.filter.singleEntity.id).toBe(deviceB);
    expect(got.configuration.widgets.w1.settings).toMatchObject({ minValue: 15, maxValue: 45 });
    const before = (await api(b.token).get('/api/tenant/devices?pageSize=50&page=0')).body.totalElements;

    // a hand-written document with tenant A's device id and no name: not bound to A's device
    const c = await createTenantWithAdmin(p, `Dash${randomBytes(2).toString('hex')}`);
    const bare = structuredClone(doc) as unknown as {
      dashboards: { configuration: { entityAliases: Record<string, { filter: Record<string, unknown> }> } }[];
    };
    delete bare.dashboards[0]!.configuration.entityAliases.s1!.filter.entityName;
    const impC = await api(c.token).post('/api/import', bare);
    expect(impC.status).toBe(200);
    expect(impC.body.warnings).toEqual([
      expect.stringContaining("alias 'Sensor' names a device that is not in your tenant"),
    ]);
    const gotC = (await api(c.token).get(`/api/dashboard/${impC.body.created[0].id}`)).body;
    expect(gotC.configuration.entityAliases.s1.filter.singleEntity.id).toBe(UNRESOLVED_ENTITY_ID);
    // importing creates no devices
    expect((await api(b.token).get('/api/tenant/devices?pageSize=50&page=0')).body.totalElements).toBe(
      before,
    );
    expect((await api(c.token).get('/api/tenant/devices?pageSize=50&page=0')).body.totalElements).toBe(0);
  });

  it("ignores a smuggled tenantId, createdTime and id: imported entities belong to the caller's tenant with new ids", async () => {
    const b = await createTenantWithAdmin(p, `Smuggle${randomBytes(2).toString('hex')}`);
    const victim = (await api(p.tenantToken).get('/api/auth/user')).body.tenantId;
    const src = await guideSetup(p.tenantToken, 'x');
    const doc = (await api(p.tenantToken).get(`/api/integration/${src.integration}/export`))
      .body as ExportDocument;
    for (const e of [...doc.converters, ...doc.integrations])
      Object.assign(e, { tenantId: victim, createdTime: 1 });
    const r = await api(b.token).post('/api/import', doc);
    expect(r.status).toBe(200);
    for (const e of r.body.created as { entityType: string; id: string }[]) {
      expect([src.up, src.down, src.integration]).not.toContain(e.id);
      const path = e.entityType === 'CONVERTER' ? 'converter' : 'integration';
      const got = (await api(b.token).get(`/api/${path}/${e.id}`)).body;
      expect(got.tenantId.id).toBe(b.tenantId);
      expect(got.createdTime).toBeGreaterThan(1);
    }
    expect((await api(p.tenantToken).get(`/api/integration/${src.integration}`)).body.name).toBe(
      'MQTT Integration',
    );
  });

  it('refuses a document whose reference is neither in it nor in the tenant, naming the field, and creates nothing', async () => {
    const src = await guideSetup(p.tenantToken, 'x');
    const doc = (await api(p.tenantToken).get(`/api/integration/${src.integration}/export`))
      .body as ExportDocument;
    doc.converters = doc.converters.filter((c) => c.type === 'DOWNLINK');
    const b = await createTenantWithAdmin(p, `Refuse${randomBytes(2).toString('hex')}`);
    const r = await api(b.token).post('/api/import', doc);
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(
      `integrations[0].defaultConverterId: converter ${src.up} is neither in the document nor in your tenant`,
    );
    expect((await api(b.token).get('/api/converters?pageSize=10&page=0')).body.totalElements).toBe(0);
    const bad = await api(b.token).post('/api/import', { format: 'something-else', version: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/format must be 'bridgeboard-export'/);
  });

  it('undoes an import whose rule chain is refused by the engine (unknown node type)', async () => {
    const b = await createTenantWithAdmin(p, `Undo${randomBytes(2).toString('hex')}`);
    const doc = (await api(b.token).get('/api/import/example/mqtt-tutorial')).body as ExportDocument;
    doc.ruleChains[0]!.metadata.nodes[0]!.type = 'org.example.NoSuchNode';
    const r = await api(b.token).post('/api/import', doc);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/NoSuchNode' is not a known rule node type/);
    for (const path of ['/api/converters', '/api/integrations', '/api/tenant/dashboards'])
      expect((await api(b.token).get(`${path}?pageSize=10&page=0`)).body.totalElements).toBe(0);
    const chains = (await api(b.token).get('/api/ruleChains?pageSize=10&page=0')).body.data;
    expect(chains.map((c: { name: string; root: boolean }) => [c.name, c.root])).toEqual([
      ['Root Rule Chain', true],
    ]);
  });

  it('loads the tutorial example with one call; the knob alias binds to SN-001 when it appears and a knob turn reaches .../SN-001/rx', async () => {
    const b = await createTenantWithAdmin(p, `Example${randomBytes(2).toString('hex')}`);
    const r = await api(b.token).post(
      `/api/import/example/mqtt-tutorial?host=${broker.hostname}&port=${broker.port || 1883}`,
    );
    expect(r.status).toBe(200);
    expect(
      r.body.created.map((e: { entityType: string; name: string }) => `${e.entityType} ${e.name}`),
    ).toEqual([
      'CONVERTER MQTT Uplink',
      'CONVERTER MQTT Downlink',
      'INTEGRATION MQTT Integration',
      'RULE_CHAIN Root Rule Chain',
      'DASHBOARD MQTT Dashboard',
    ]);
    expect(r.body.warnings).toEqual([
      expect.stringContaining("alias 'Sensor' is waiting for device 'SN-001'"),
    ]);
    const made = Object.fromEntries(
      r.body.created.map((e: { entityType: string; id: string }) => [e.entityType, e.id]),
    );
    const integ = (await api(b.token).get(`/api/integration/${made.INTEGRATION}`)).body;
    expect(integ.configuration).toMatchObject({
      clientConfiguration: { host: broker.hostname, port: Number(broker.port || 1883), cleanSession: false },
      topicFilters: [{ filter: 'tb/mqtt-integration-tutorial/sensors/+/temperature', qos: 0 }],
    });
    const chains = (await api(b.token).get('/api/ruleChains?pageSize=10&page=0')).body.data;
    expect(chains.find((c: { root: boolean }) => c.root).id.id).toBe(made.RULE_CHAIN);
    const meta = (await api(b.token).get(`/api/ruleChain/${made.RULE_CHAIN}/metadata`)).body;
    const dl = meta.nodes.findIndex((n: { type: string }) => n.type === DOWNLINK_NODE);
    expect(meta.nodes[dl].configuration.integrationId).toBe(made.INTEGRATION);
    expect(meta.connections).toContainEqual({ fromIndex: 0, toIndex: dl, type: 'RPC Request to Device' });

    await eventually(
      async () =>
        (await api(b.token).get(`/api/integration/${made.INTEGRATION}/status`)).body.status === 'CONNECTED',
      20_000,
    );
    const client = await mqtt.connectAsync(p.mqttUrl, {
      clientId: `transfer-${randomBytes(4).toString('hex')}`,
    });
    try {
      const got: string[] = [];
      client.on(
        'message',
        (t, m) => t === 'tb/mqtt-integration-tutorial/sensors/SN-001/rx' && got.push(m.toString()),
      );
      await client.subscribeAsync('tb/mqtt-integration-tutorial/sensors/SN-001/rx');
      const device = await eventually(
        async () => {
          await client.publishAsync(
            'tb/mqtt-integration-tutorial/sensors/SN-001/temperature',
            '{"value":25.1}',
          );
          const d = await api(b.token).get('/api/tenant/devices?deviceName=SN-001');
          return d.status === 200 ? (d.body.id.id as string) : null;
        },
        20_000,
        500,
      );
      const alias = await eventually(async () => {
        const d = (await api(b.token).get(`/api/dashboard/${made.DASHBOARD}`)).body;
        const id = d.configuration.entityAliases.sensor.filter.singleEntity.id as string;
        return id !== UNRESOLVED_ENTITY_ID ? id : null;
      });
      expect(alias).toBe(device);
      const rpc = await api(b.token).post(`/api/plugins/rpc/oneway/${device}`, {
        method: 'setValue',
        params: 32,
      });
      expect(rpc.status).toBe(200);
      await eventually(async () => got.includes('{"value":32}'), 10_000);
    } finally {
      await client.endAsync();
    }
  });

  it('refuses to load the tutorial example a second time on the same broker and topics, unless asked to with duplicate=true', async () => {
    const b = await createTenantWithAdmin(p, `Twice${randomBytes(2).toString('hex')}`);
    const port = broker.port || 1883;
    const load = (q: string) => api(b.token).post(`/api/import/example/mqtt-tutorial?port=${port}${q}`);
    expect((await load(`&host=${broker.hostname}`)).status).toBe(200);
    // localhost and 127.0.0.1 are the same broker
    const again = await load(`&host=${broker.hostname === '127.0.0.1' ? 'localhost' : broker.hostname}`);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(
      `The mqtt-tutorial example is already loaded: integration 'MQTT Integration' (tb/mqtt-integration-tutorial/sensors/+/temperature) ` +
        `subscribes to the same topics on ${broker.hostname === '127.0.0.1' ? 'localhost' : broker.hostname}:${port}. ` +
        'A second one would store every reading twice; use the existing one, or load the example anyway with ?duplicate=true.',
    );
    const count = async (path: string) =>
      (await api(b.token).get(`${path}?pageSize=10&page=0`)).body.totalElements as number;
    expect([
      await count('/api/converters'),
      await count('/api/integrations'),
      await count('/api/tenant/dashboards'),
    ]).toEqual([2, 1, 1]);
    // another broker is another setup
    expect((await load('&host=broker.example.com')).status).toBe(200);
    expect((await load(`&host=${broker.hostname}&duplicate=maybe`)).body.message).toMatch(
      /duplicate must be true or false/,
    );
    expect((await load(`&host=${broker.hostname}&duplicate=true`)).status).toBe(200);
    expect(await count('/api/integrations')).toBe(3);
  });
});
