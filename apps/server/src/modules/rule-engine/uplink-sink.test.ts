import type { Device } from '@bridgeboard/contracts';
import type { ChainSource } from './engine/compiled-chain.js';
import { LocalRuleEngine } from './engine/local-rule-engine.js';
import { nodeRegistry } from './nodes/index.js';
import { FakeDownlink, FakeTelemetry, TENANT } from './nodes/node-test-helper.js';
import { rootChainMetadata } from './root-chain.js';
import { RuleChainUplinkSink, uplinkToMsgs, type UplinkMessageLike } from './uplink-sink.js';

/** The Root Rule Chain as created for a tenant, served from memory. */
function rootSource(): ChainSource {
  const md = rootChainMetadata('root');
  const ids = md.nodes.map((_, i) => `n${i}`);
  return {
    rootChainId: async () => 'root',
    loadChain: async () => ({
      id: 'root',
      tenantId: TENANT,
      name: 'Root Rule Chain',
      firstNodeId: ids[0]!,
      nodes: md.nodes.map((n, i) => ({
        id: ids[i]!,
        type: n.type,
        name: n.name,
        debugMode: false,
        debugSince: null,
        debugPinned: false,
        configuration: n.configuration,
      })),
      connections: (md.connections ?? []).map((c) => ({
        fromId: ids[c.fromIndex]!,
        toId: ids[c.toIndex]!,
        type: c.type,
      })),
    }),
  };
}

const device = (n: number): Device => ({
  id: { entityType: 'DEVICE', id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` },
  createdTime: 0,
  tenantId: { entityType: 'TENANT', id: TENANT },
  deviceProfileId: { entityType: 'DEVICE_PROFILE', id: '00000000-0000-4000-8000-00000000ffff' },
  version: 1,
  name: `SN-${n}`,
  type: 'sensor',
  label: null,
  additionalInfo: null,
});
const uplink = (n: number, created = false): UplinkMessageLike => ({
  tenantId: TENANT,
  integrationId: 'i',
  integrationName: 'MQTT Integration',
  device: device(n),
  deviceCreated: created,
  attributes: { integrationName: 'MQTT Integration' },
  telemetry: [{ ts: 1000 + n, values: { temperature: n } }],
  metadata: { topic: `sensors/SN-${n}/temperature` },
});

function setup() {
  const telemetry = new FakeTelemetry();
  const engine = new LocalRuleEngine(rootSource(), nodeRegistry, {
    telemetry,
    downlink: new FakeDownlink(),
    scripts: {
      run: async (_t, _id, _b, _a, calls) => calls.map(() => ({ ok: true as const, value: 'logged' })),
    },
    debug: { record: () => undefined },
    debugAutoOffMin: 15,
  });
  return { telemetry, sink: new RuleChainUplinkSink(engine) };
}

describe('uplinks through the Root Rule Chain', () => {
  it('turns one uplink into ENTITY_CREATED, POST_ATTRIBUTES_REQUEST and POST_TELEMETRY_REQUEST messages of its device', () => {
    const msgs = uplinkToMsgs(uplink(1, true));
    expect(msgs.map((m) => m.type)).toEqual([
      'ENTITY_CREATED',
      'POST_ATTRIBUTES_REQUEST',
      'POST_TELEMETRY_REQUEST',
    ]);
    expect(msgs[2]).toMatchObject({
      originator: device(1).id,
      data: '[{"ts":1001,"values":{"temperature":1}}]',
    });
    expect(msgs[2]!.metadata).toMatchObject({
      deviceName: 'SN-1',
      deviceType: 'sensor',
      integrationName: 'MQTT Integration',
      topic: 'sensors/SN-1/temperature',
    });
  });

  it('stores a whole batch in one saveBatch before the sink resolves', async () => {
    const { telemetry, sink } = setup();
    await sink.handle(Array.from({ length: 20 }, (_, i) => uplink(i, i < 3)));
    expect(telemetry.batches).toHaveLength(1);
    expect(telemetry.batches[0]).toHaveLength(20);
    expect(
      telemetry.batches[0]!.every((d) => d.telemetry?.length === 1 && d.attributes?.integrationName),
    ).toBe(true);
  });

  it('rejects when the commit failed, keeping the database error code so bad data is told from an outage', async () => {
    const { telemetry, sink } = setup();
    telemetry.failWith = Object.assign(new Error('value too long'), { code: '22001' });
    await expect(sink.handle([uplink(1)])).rejects.toMatchObject({
      message: 'value too long',
      code: '22001',
    });
  });
});
