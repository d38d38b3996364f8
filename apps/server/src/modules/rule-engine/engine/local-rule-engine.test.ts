import type { RuleMsg } from '@bridgeboard/contracts';
import { z } from 'zod';
import { nodeRegistry } from '../nodes/index.js';
import { DEVICE, deviceMsg, FakeDownlink, FakeTelemetry, TENANT } from '../nodes/node-test-helper.js';
import { newMsg } from './msg.js';
import { defineNode, FAILURE, SUCCESS, type RuleNodeDefinition } from '../nodes/node.types.js';
import { definition as switchNode } from '../nodes/message-type-switch/index.js';
import { definition as saveTs } from '../nodes/save-timeseries/index.js';
import { definition as saveAttrs } from '../nodes/save-attributes/index.js';
import { definition as chainNode } from '../nodes/rule-chain/index.js';
import type { ChainDefinition, ChainSource } from './compiled-chain.js';
import { LocalRuleEngine, MAX_HOPS } from './local-rule-engine.js';

/** Test-only nodes: one that throws, one that records what reaches it. */
const seen: { node: string; msg: RuleMsg }[] = [];
const thrower = defineNode({
  type: 'test.Thrower',
  name: 'thrower',
  category: 'ACTION',
  description: '',
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({}),
  defaultConfiguration: {},
  create: () => ({
    onMsg: () => {
      throw new Error('boom');
    },
  }),
});
const sink = defineNode({
  type: 'test.Sink',
  name: 'sink',
  category: 'ACTION',
  description: '',
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({ tag: z.string() }),
  defaultConfiguration: { tag: 'x' },
  create: (c) => ({
    onMsg: (ctx, msg) => {
      seen.push({ node: c.tag, msg });
      ctx.tellSuccess(msg);
    },
  }),
});
const registry = new Map<string, RuleNodeDefinition>([
  ...nodeRegistry,
  [thrower.type, thrower],
  [sink.type, sink],
] as [string, RuleNodeDefinition][]);

type N = { id: string; type: string; configuration?: Record<string, unknown>; debug?: boolean };
function chain(
  id: string,
  nodes: N[],
  connections: [string, string, string][],
  first = nodes[0]?.id ?? null,
): ChainDefinition {
  return {
    id,
    tenantId: TENANT,
    name: id,
    firstNodeId: first,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.type,
      name: n.id,
      debugMode: !!n.debug,
      debugSince: Date.now(),
      debugPinned: false,
      configuration: n.configuration ?? {},
    })),
    connections: connections.map(([fromId, type, toId]) => ({ fromId, toId, type })),
  };
}

function engine(chains: ChainDefinition[], traced?: (traceId: string) => boolean) {
  const telemetry = new FakeTelemetry();
  const debug: { entityId: string; body: Record<string, unknown> }[] = [];
  const source: ChainSource = {
    rootChainId: async () => chains[0]!.id,
    loadChain: async (_t, id) => chains.find((c) => c.id === id) ?? null,
  };
  const e = new LocalRuleEngine(source, registry, {
    telemetry,
    downlink: new FakeDownlink(),
    scripts: { run: async () => [] },
    debug: { record: (_t, _type, entityId, _k, body) => debug.push({ entityId, body }), ...(traced ? { traced } : {}) },
    debugAutoOffMin: 15,
  });
  return { e, telemetry, debug };
}

const root = () =>
  chain(
    'root',
    [
      { id: 'switch', type: switchNode.type },
      { id: 'ts', type: saveTs.type },
      { id: 'attrs', type: saveAttrs.type },
    ],
    [
      ['switch', 'Post telemetry', 'ts'],
      ['switch', 'Post attributes', 'attrs'],
    ],
  );

beforeEach(() => (seen.length = 0));

describe('rule engine', () => {
  it('commits the Save nodes of a whole batch in one saveBatch before tellBatch resolves', async () => {
    const { e, telemetry } = engine([root()]);
    const msgs = Array.from({ length: 50 }, (_, i) =>
      i % 2 ? deviceMsg('POST_TELEMETRY_REQUEST', { t: i }) : deviceMsg('POST_ATTRIBUTES_REQUEST', { a: i }),
    );
    const r = await e.tellBatch(TENANT, msgs);
    expect(telemetry.batches).toHaveLength(1);
    // one item for the device, with all 25 telemetry entries and the last attribute values
    expect(telemetry.batches[0]).toHaveLength(1);
    expect(telemetry.batches[0]![0]!.telemetry).toHaveLength(25);
    expect(telemetry.batches[0]![0]!.attributes).toEqual({ a: 48 });
    expect(r.writeErrors).toEqual([]);
  });

  it("tells a Save node's Success (its debug event and the next node) only after the batch's commit", async () => {
    const c = root();
    c.nodes.push({ ...c.nodes[0]!, id: 'after', type: sink.type, configuration: { tag: 'after' } });
    c.connections.push({ fromId: 'ts', toId: 'after', type: SUCCESS });
    c.nodes.find((n) => n.id === 'ts')!.debugMode = true;
    const { e, telemetry, debug } = engine([c]);
    const order: string[] = [];
    const save = telemetry.saveBatch.bind(telemetry);
    telemetry.saveBatch = async (items) => {
      await save(items);
      order.push(`commit (${debug.length} debug events, ${seen.length} seen)`);
    };
    const points = [{ ts: 1700000000000, values: { t: 1 } }];
    const r = await e.tellBatch(TENANT, [
      deviceMsg('POST_TELEMETRY_REQUEST', points),
      deviceMsg('POST_TELEMETRY_REQUEST', points),
    ]);
    expect(order).toEqual(['commit (2 debug events, 0 seen)']);
    expect(debug.map((d) => [d.body.type, d.body.relationType])).toEqual([
      ['IN', undefined],
      ['IN', undefined],
      ['OUT', 'Success'],
      ['OUT', 'Success'],
    ]);
    expect(seen.map((s) => s.node)).toEqual(['after', 'after']);
    expect(telemetry.batches[0]![0]!.telemetry).toEqual([...points, ...points]);
    expect(r.results).toEqual([
      { deliveries: [], failures: [] },
      { deliveries: [], failures: [] },
    ]);
  });

  it('names, with the data it saves, the traces of messages somebody debugs, and no others (their live push is recorded)', async () => {
    const { e, telemetry } = engine([root()], (id) => id.startsWith('debugged'));
    const traced = (type: string, data: unknown, traceId: string) =>
      newMsg(type, { entityType: 'DEVICE', id: DEVICE }, data, {}, 1700000000000, traceId);
    await e.tellBatch(TENANT, [
      traced('POST_TELEMETRY_REQUEST', { t: 1 }, 'debugged-1'),
      traced('POST_TELEMETRY_REQUEST', { t: 2 }, 'quiet-2'),
      traced('POST_ATTRIBUTES_REQUEST', { a: 1 }, 'debugged-3'),
      deviceMsg('POST_TELEMETRY_REQUEST', { t: 4 }),
    ]);
    // one item for the device, naming the two debugged traces
    expect(telemetry.batches[0]).toHaveLength(1);
    expect(telemetry.batches[0]![0]!.traceIds).toEqual(['debugged-1', 'debugged-3']);
  });

  it('adds no trace to saved data while nobody debugs', async () => {
    const { e, telemetry } = engine([root()]);
    await e.tellBatch(TENANT, [newMsg('POST_TELEMETRY_REQUEST', { entityType: 'DEVICE', id: DEVICE }, { t: 1 }, {}, 1700000000000, 'trace-1')]);
    expect(telemetry.batches[0]![0]).not.toHaveProperty('traceIds');
  });

  it('reports a failed commit as a write error and routes the Save nodes to Failure', async () => {
    const { e, telemetry } = engine([root()]);
    telemetry.failWith = new Error('database is down');
    const r = await e.tellBatch(TENANT, [deviceMsg('POST_TELEMETRY_REQUEST', { t: 1 })]);
    expect(r.writeErrors).toEqual([{ message: 'database is down' }]);
    expect(r.results[0]!.failures).toEqual([{ nodeId: 'ts', nodeName: 'ts', error: 'database is down' }]);
  });

  it('turns an exception inside a node into its Failure relation', async () => {
    const { e } = engine([
      chain(
        'c',
        [
          { id: 't', type: thrower.type },
          { id: 'onFail', type: sink.type, configuration: { tag: 'failed' } },
        ],
        [['t', 'Failure', 'onFail']],
      ),
    ]);
    const r = await e.tell(TENANT, deviceMsg('X', {}));
    expect(seen.map((s) => s.node)).toEqual(['failed']);
    expect(r.failures).toEqual([{ nodeId: 't', nodeName: 't', error: 'boom' }]);
  });

  it('survives a failing node with no Failure connection and still finishes', async () => {
    const { e } = engine([chain('c', [{ id: 't', type: thrower.type }], [])]);
    await expect(e.tell(TENANT, deviceMsg('X', {}))).resolves.toMatchObject({
      failures: [{ error: 'boom' }],
    });
  });

  it('sends a message to every node connected with the relation', async () => {
    const { e } = engine([
      chain(
        'c',
        [
          { id: 's', type: switchNode.type },
          { id: 'a', type: sink.type, configuration: { tag: 'a' } },
          { id: 'b', type: sink.type, configuration: { tag: 'b' } },
        ],
        [
          ['s', 'Other', 'a'],
          ['s', 'Other', 'b'],
        ],
      ),
    ]);
    await e.tell(TENANT, deviceMsg('X', {}));
    expect(seen.map((s) => s.node).sort()).toEqual(['a', 'b']);
  });

  it('hands a message to another chain through a Rule Chain node', async () => {
    const { e } = engine([
      chain(
        'c1',
        [
          {
            id: 'go',
            type: chainNode.type,
            configuration: { ruleChainId: '55555555-5555-4555-8555-555555555555' },
          },
        ],
        [],
      ),
      chain(
        '55555555-5555-4555-8555-555555555555',
        [{ id: 'end', type: sink.type, configuration: { tag: 'other chain' } }],
        [],
      ),
    ]);
    await e.tell(TENANT, deviceMsg('X', {}));
    expect(seen.map((s) => s.node)).toEqual(['other chain']);
  });

  it('stops a message that loops between nodes and reports it', async () => {
    const { e } = engine([
      chain('c', [{ id: 'a', type: sink.type, configuration: { tag: 'a' } }], [['a', 'Success', 'a']]),
    ]);
    const r = await e.tell(TENANT, deviceMsg('X', {}));
    expect(seen).toHaveLength(MAX_HOPS + 1);
    expect(r.failures[0]!.error).toMatch(/loop/);
  });

  it('records IN and OUT debug events with relation, type, data and metadata for a node in debug mode', async () => {
    const c = root();
    c.nodes[0]!.debugMode = true;
    const { e, debug } = engine([c]);
    const msg = deviceMsg('RPC_CALL_FROM_SERVER_TO_DEVICE', { method: 'setValue', params: '32' });
    await e.tell(TENANT, msg);
    expect(debug.map((d) => [d.entityId, d.body.type, d.body.relationType])).toEqual([
      ['switch', 'IN', undefined],
      ['switch', 'OUT', 'RPC Request to Device'],
    ]);
    expect(debug[1]!.body).toMatchObject({
      msgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
      data: msg.data,
      metadata: msg.metadata,
      entityType: 'DEVICE',
    });
  });

  it('records no debug events once debug mode has switched itself off', async () => {
    const c = root();
    c.nodes[0]!.debugMode = true;
    c.nodes[0]!.debugSince = Date.now() - 16 * 60_000;
    const { e, debug } = engine([c]);
    await e.tell(TENANT, deviceMsg('X', {}));
    expect(debug).toEqual([]);
  });

  it('fails a node whose stored configuration is invalid instead of crashing', async () => {
    const { e } = engine([
      chain('c', [{ id: 'bad', type: chainNode.type, configuration: { ruleChainId: 'nope' } }], []),
    ]);
    const r = await e.tell(TENANT, deviceMsg('X', {}));
    expect(r.failures[0]!.error).toMatch(/Configuration of rule node 'bad' is invalid/);
  });
});
