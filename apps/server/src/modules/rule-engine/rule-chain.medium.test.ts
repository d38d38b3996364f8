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
  waitStatus,
} from '../integrations/test-kit.js';
import { RuleChainService } from './rule-chain.service.js';

const SWITCH = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode';
const LOG = 'org.thingsboard.rule.engine.action.TbLogNode';
const CHAIN_NODE = 'org.thingsboard.rule.engine.flow.TbRuleChainInputNode';

describe('rule chains over REST', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  beforeAll(async () => {
    p = await startTestPlatform();
    auth = bearer(p.tenantToken);
  });
  afterAll(async () => {
    await p.stop();
  });

  async function root() {
    const list = await p.http().get('/api/ruleChains?pageSize=10&page=0').set(auth);
    return list.body.data.find((c: { root: boolean }) => c.root);
  }

  it('gives the tenant a Root Rule Chain: Message Type Switch → Save Timeseries, Save Attributes, Log', async () => {
    const r = await root();
    expect(r).toMatchObject({
      name: 'Root Rule Chain',
      root: true,
      type: 'CORE',
      id: { entityType: 'RULE_CHAIN' },
    });
    const md = (await p.http().get(`/api/ruleChain/${r.id.id}/metadata`).set(auth)).body;
    expect(md.nodes.map((n: { name: string }) => n.name)).toEqual([
      'Message Type Switch',
      'Save Timeseries',
      'Save Attributes',
      'Log Other',
    ]);
    expect(md.firstNodeIndex).toBe(0);
    expect(md.connections).toEqual(
      expect.arrayContaining([
        { fromIndex: 0, toIndex: 1, type: 'Post telemetry' },
        { fromIndex: 0, toIndex: 2, type: 'Post attributes' },
        { fromIndex: 0, toIndex: 3, type: 'Other' },
      ]),
    );
    expect(md.nodes[0]).toMatchObject({
      type: SWITCH,
      debugMode: false,
      additionalInfo: { layoutX: expect.any(Number), layoutY: expect.any(Number) },
    });
  });

  it('creates the Root Rule Chain for a new tenant and back-fills tenants that have none', async () => {
    const other = await createTenantWithAdmin(p, `Chains ${rnd()}`);
    const list = await p.http().get('/api/ruleChains?pageSize=10&page=0').set(bearer(other.token));
    expect(list.body).toMatchObject({ totalElements: 1, data: [{ name: 'Root Rule Chain', root: true }] });
    await p.db.query('DELETE FROM rule_chain WHERE tenant_id = $1', [other.tenantId]);
    expect(await p.app.get(RuleChainService).ensureRootChains()).toBe(1);
    expect(
      (await p.http().get('/api/ruleChains?pageSize=10&page=0').set(bearer(other.token))).body.totalElements,
    ).toBe(1);
  });

  it('serves every node type as ThingsBoard\'s ComponentDescriptor (category in type, class in clazz) with its relations, JSON schema and default configuration', async () => {
    const r = await p.http().get('/api/components').set(auth);
    expect(r.status).toBe(200);
    const names = r.body.map((c: { name: string }) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'message type switch',
        'save timeseries',
        'save attributes',
        'integration downlink',
        'script',
        'log',
        'rule chain',
      ]),
    );
    const sw = r.body.find((c: { clazz: string }) => c.clazz === SWITCH);
    expect(sw).toMatchObject({
      id: { id: expect.any(String) },
      type: 'FILTER',
      scope: 'TENANT',
      clusteringMode: 'ENABLED',
      configurationVersion: expect.any(Number),
      configurationDescriptor: {
        nodeDefinition: {
          relationTypes: expect.arrayContaining(['RPC Request to Device', 'Other']),
          configurationSchema: { type: 'object' },
          defaultConfiguration: expect.any(Object),
        },
      },
    });
    const dl = r.body.find((c: { name: string }) => c.name === 'integration downlink');
    expect(dl.configurationDescriptor.nodeDefinition.configurationSchema.properties.integrationId).toBeDefined();
  });

  it('saves a chain and its metadata, keeps node ids on re-save, and refuses bad metadata naming the field', async () => {
    const c = await p.http().post('/api/ruleChain').set(auth).send({ name: 'Filters' });
    expect(c.status).toBe(200);
    const id = c.body.id;
    const nodes = [
      {
        type: SWITCH,
        name: 'switch',
        debugMode: false,
        configuration: { version: 0 },
        additionalInfo: { layoutX: 1, layoutY: 2 },
      },
      {
        type: LOG,
        name: 'log',
        debugMode: true,
        configuration: { jsScript: 'return "x";' },
        additionalInfo: { layoutX: 3, layoutY: 4 },
      },
    ];
    const saved = await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({
        ruleChainId: id,
        firstNodeIndex: 0,
        nodes,
        connections: [{ fromIndex: 0, toIndex: 1, type: 'Other' }],
      });
    expect(saved.status).toBe(200);
    expect(saved.body.nodes[1]).toMatchObject({
      name: 'log',
      debugMode: true,
      configuration: { scriptLang: 'JS', jsScript: 'return "x";' },
    });
    // debug mode switches itself off after DEBUG_MODE_AUTO_OFF_MIN (15) minutes unless pinned
    expect(saved.body.nodes[1].debugModeUntil).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(saved.body.nodes[0]).toMatchObject({ debugMode: false, debugModeUntil: null });
    const again = await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({ ...saved.body, nodes: saved.body.nodes.map((n: object) => ({ ...n, name: 'renamed' })) });
    expect(again.body.nodes.map((n: { id: { id: string } }) => n.id.id)).toEqual(
      saved.body.nodes.map((n: { id: { id: string } }) => n.id.id),
    );
    expect((await p.http().get(`/api/ruleChain/${id.id}`).set(auth)).body.firstRuleNodeId.id).toBe(
      saved.body.nodes[0].id.id,
    );

    const badType = await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({ ruleChainId: id, firstNodeIndex: 0, nodes: [{ ...nodes[0], type: 'nope' }], connections: [] });
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/nodes\[0\]\.type.*not a known rule node type/);
    const badRel = await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({
        ruleChainId: id,
        firstNodeIndex: 0,
        nodes,
        connections: [{ fromIndex: 0, toIndex: 1, type: 'Sideways' }],
      });
    expect(badRel.status).toBe(400);
    expect(badRel.body.message).toMatch(/connections\[0\]\.type.*no relation 'Sideways'/);
    const badCfg = await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({
        ruleChainId: id,
        firstNodeIndex: 0,
        nodes: [{ ...nodes[1], configuration: { jsScript: '' } }],
      });
    expect(badCfg.status).toBe(400);
    expect(badCfg.body.message).toMatch(/nodes\[0\]\.configuration\.jsScript/);
    const unknownIntegration = await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({
        ruleChainId: id,
        firstNodeIndex: 0,
        nodes: [
          {
            type: 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode',
            name: 'MQTT Integration Downlink',
            debugMode: false,
            configuration: { integrationId: '7f0c1a52-3d0e-4f6b-9a51-3f3b2f0a9c11' },
          },
        ],
      });
    expect(unknownIntegration.status).toBe(400);
    expect(unknownIntegration.body.message).toMatch(
      /nodes\[0\]\.configuration\.integrationId.*does not exist/,
    );
  });

  it('tests a node script on a sample message in the sandbox, with its errors and console lines', async () => {
    const run = (body: object) => p.http().post('/api/ruleChain/testScript').set(auth).send(body);
    const filter = await run({
      script: 'console.log("t=" + msg.temperature); return msg.temperature > 20;',
      scriptType: 'filter',
      msg: '{"temperature": 25.1}',
      metadata: { deviceName: 'SN-001' },
      msgType: 'POST_TELEMETRY_REQUEST',
    });
    expect(filter.status).toBe(200);
    expect(filter.body).toMatchObject({
      output: 'true',
      error: '',
      consoleLines: [expect.stringContaining('t=25.1')],
    });
    const transform = await run({
      script:
        'msg.f = msg.temperature * 9 / 5 + 32; return {msg: msg, metadata: metadata, msgType: msgType};',
      scriptType: 'update',
      msg: '{"temperature": 25}',
    });
    expect(JSON.parse(transform.body.output).msg.f).toBe(77);
    expect((await run({ script: 'return 1;', scriptType: 'filter', msg: '{}' })).body.error).toMatch(
      /true or false/,
    );
    expect((await run({ script: 'return (;', scriptType: 'json', msg: '{}' })).body.error).toMatch(/line 1/);
    expect((await run({ script: 'while(true){}', scriptType: 'json', msg: '{}' })).body.error).toMatch(
      /longer than 500 ms/,
    );
    expect((await run({})).status).toBe(400);
  });

  it('refuses to delete the root chain, or a chain another chain hands messages to; deletes others', async () => {
    const r = await root();
    const del = await p.http().delete(`/api/ruleChain/${r.id.id}`).set(auth);
    expect(del.status).toBe(400);
    expect(del.body.message).toMatch(/Root Rule Chain cannot be deleted/);
    const target = (await p.http().post('/api/ruleChain').set(auth).send({ name: 'Target' })).body.id;
    const user = (await p.http().post('/api/ruleChain').set(auth).send({ name: 'User' })).body.id;
    await p
      .http()
      .post('/api/ruleChain/metadata')
      .set(auth)
      .send({
        ruleChainId: user,
        firstNodeIndex: 0,
        nodes: [{ type: CHAIN_NODE, name: 'to target', configuration: { ruleChainId: target.id } }],
        connections: [],
      })
      .expect(200);
    const inUse = await p.http().delete(`/api/ruleChain/${target.id}`).set(auth);
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toMatch(/used by node 'to target' of rule chain 'User'/);
    expect((await p.http().delete(`/api/ruleChain/${user.id}`).set(auth)).status).toBe(200);
    expect((await p.http().delete(`/api/ruleChain/${target.id}`).set(auth)).status).toBe(200);
    expect((await p.http().get(`/api/ruleChain/${target.id}`).set(auth)).status).toBe(404);
  });

  it('keeps tenants apart: another tenant gets 404 for our chain and its metadata', async () => {
    const r = await root();
    const other = await createTenantWithAdmin(p, `Other ${rnd()}`);
    const o = bearer(other.token);
    expect((await p.http().get(`/api/ruleChain/${r.id.id}`).set(o)).status).toBe(404);
    expect((await p.http().get(`/api/ruleChain/${r.id.id}/metadata`).set(o)).status).toBe(404);
    const md = (await p.http().get(`/api/ruleChain/${r.id.id}/metadata`).set(auth)).body;
    expect((await p.http().post('/api/ruleChain/metadata').set(o).send(md)).status).toBe(404);
    expect((await p.http().delete(`/api/ruleChain/${r.id.id}`).set(o)).status).toBe(404);
  });

  it('stores uplink telemetry through the Root Rule Chain and records the switch node debug events', async () => {
    const r = await root();
    const md = (await p.http().get(`/api/ruleChain/${r.id.id}/metadata`).set(auth)).body;
    md.nodes[0].debugMode = true;
    await p.http().post('/api/ruleChain/metadata').set(auth).send(md).expect(200);
    const prefix = `${rnd()}/tb/mqtt-integration-tutorial/sensors`;
    const converterId = await createConverter(p, GUIDE_DECODER);
    const { id } = await createIntegration(p, {
      name: 'MQTT Integration',
      converterId,
      filters: [{ filter: `${prefix}/+/temperature`, qos: 1 }],
      cleanSession: true,
    });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    await pub.publishAsync(`${prefix}/SN-001/temperature`, '{"value":25.1}', { qos: 1 });
    const device = await eventually(() => deviceByName(p, 'SN-001'));
    const latest = await eventually(async () => {
      const t = await p
        .http()
        .get(`/api/plugins/telemetry/DEVICE/${device.id.id}/values/timeseries?keys=temperature`)
        .set(auth);
      return t.body.temperature ? t.body : null;
    });
    expect(latest.temperature[0].value).toBe('25.1');
    await pub.endAsync();
    const switchId = md.nodes[0].id.id;
    const events = await eventually(async () => {
      const e = await p.http().get(`/api/events/RULE_NODE/${switchId}?pageSize=20&page=0`).set(auth);
      return e.body.data.some(
        (x: { body: { relationType?: string } }) => x.body.relationType === 'Post telemetry',
      )
        ? e.body.data
        : null;
    });
    const out = events.find(
      (x: { body: { relationType?: string } }) => x.body.relationType === 'Post telemetry',
    );
    expect(out).toMatchObject({
      type: 'DEBUG_RULE_NODE',
      body: { type: 'OUT', msgType: 'POST_TELEMETRY_REQUEST', entityId: device.id.id },
    });
    expect(JSON.parse(out.body.data)).toEqual([{ ts: expect.any(Number), values: { temperature: 25.1 } }]);
    expect(out.body.metadata).toMatchObject({ deviceName: 'SN-001', integrationName: 'MQTT Integration' });
    expect(
      events.some(
        (x: { body: { type: string; msgType: string } }) =>
          x.body.type === 'IN' && x.body.msgType === 'POST_ATTRIBUTES_REQUEST',
      ),
    ).toBe(true);
    // the node's events filtered by message type
    const only = await p
      .http()
      .get(`/api/events/RULE_NODE/${switchId}?pageSize=20&page=0&msgType=POST_TELEMETRY_REQUEST`)
      .set(auth);
    expect(only.body.data.length).toBeGreaterThan(0);
    expect(
      only.body.data.every((x: { body: { msgType: string } }) => x.body.msgType === 'POST_TELEMETRY_REQUEST'),
    ).toBe(true);
  });
});
