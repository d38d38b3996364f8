import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { BENCH_DECODER, filterOf, topicOf } from '../src/decoders.js';
import { BATCH_MAX, COUNTERS, ENV_DB, ENV_TENANT, noderedFlow } from '../src/nodered-flow.js';
import { batchParams, CREATE_DEVICES_SQL, FIND_DEVICES_SQL, resultOf, SAVE_SQL } from '../src/store-sql.js';

/**
 * The Node-RED reference's flow without Node-RED running (the smoke run drives the real thing):
 * stock node types only, wires that lead somewhere, and the two function nodes' code run the way
 * Node-RED's function node runs it (its wrapper, in a vm context) — the decoder gives what the floor's
 * decoder gives, and the store node writes what the floor writes.
 */
const config = {
  mqttUrl: 'mqtt://127.0.0.1:18830',
  filter: filterOf('benchx/s1n'),
  qos: 0 as const,
  clientId: 'bb-bench-nodered-test',
  decoder: BENCH_DECODER,
  integrationName: 'MQTT Integration',
};
type FlowNode = Record<string, any>;
const flow = noderedFlow(config) as FlowNode[];
const byType = (t: string) => flow.find((n) => n.type === t)!;
const functions = flow.filter((n) => n.type === 'function');

/** Node-RED 4's function node, reduced to what these bodies use: the same wrapper, one vm context. */
function functionNode(n: FlowNode, sandbox: Record<string, unknown>) {
  const warnings: string[] = [];
  const ctx = vm.createContext({
    ...sandbox,
    setTimeout,
    node: { error: (m: string) => warnings.push(m), warn: (m: string) => warnings.push(m) },
  });
  if (n.initialize) vm.runInContext(`(async function () {\n${n.initialize}\n})()`, ctx);
  const run = vm.runInContext(`(async function (msg) {\n${n.func}\n})`, ctx) as (
    m: Record<string, unknown>,
  ) => Promise<unknown>;
  return { run, warnings, ctx };
}

describe('Node-RED reference flow', () => {
  it('uses only node types that Node-RED 4 ships, and every wire reaches a node of the flow', () => {
    const nr = path.dirname(realpathSync(createRequire(import.meta.url).resolve('node-red/package.json')));
    const core = path.join(
      path.dirname(createRequire(path.join(nr, 'package.json')).resolve('@node-red/nodes/package.json')),
      'core',
    );
    const shipped = new Set<string>(['tab']);
    for (const dir of readdirSync(core))
      for (const f of readdirSync(path.join(core, dir)).filter((x) => x.endsWith('.js')))
        for (const m of readFileSync(path.join(core, dir, f), 'utf8').matchAll(
          /registerType\(\s*["']([^"']+)["']/g,
        ))
          shipped.add(m[1]!);
    expect(flow.map((n) => n.type).filter((t) => !shipped.has(t))).toEqual([]);
    const ids = new Set(flow.map((n) => n.id));
    expect(ids.size).toBe(flow.length);
    const targets = flow.flatMap((n) => (n.wires ?? []).flat());
    expect(targets.filter((t: string) => !ids.has(t))).toEqual([]);
    expect(byType('mqtt in')).toMatchObject({ topic: config.filter, qos: '0', datatype: 'buffer' });
    expect(byType('mqtt-broker')).toMatchObject({ broker: '127.0.0.1', port: '18830' });
    expect(byType('join')).toMatchObject({ mode: 'custom', build: 'array', count: String(BATCH_MAX) });
    // no connection string in the flow: the store node reads it from the environment
    expect(JSON.stringify(flow)).not.toContain('postgres://');
  });

  it('decodes a message in the function node exactly as the floor decodes it', async () => {
    const topic = topicOf('benchx/s1n', 'dev-7');
    const payload = Buffer.from('{"value":21.5,"t":1700000000123}');
    const floor = vm.runInContext(
      `(function (payload, metadata) {\n${BENCH_DECODER}\n})`,
      vm.createContext({}),
    );
    const expected = floor(Array.from(payload), { topic, integrationName: 'MQTT Integration' });
    const decode = functionNode(
      functions.find((n) => n.name === 'uplink decoder')!,
      { Buffer },
    );
    const out = (await decode.run({ topic, payload })) as { payload: unknown };
    expect(JSON.parse(JSON.stringify(out.payload))).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(out.payload).toMatchObject({ deviceName: 'dev-7', telemetry: { ts: 1700000000123 } });
  });

  it('stores a batch with the floor statements: new devices once, then one statement per batch', async () => {
    const calls: { text: string; values: unknown[] }[] = [];
    const ids: Record<string, string> = {
      a: '00000000-0000-0000-0000-00000000000a',
      b: '00000000-0000-0000-0000-00000000000b',
    };
    class Pool {
      constructor(readonly o: { connectionString: string }) {
        expect(o.connectionString).toBe('postgres://fake/db');
      }
      on() {}
      async query(text: string, values: unknown[]) {
        calls.push({ text, values });
        if (text === FIND_DEVICES_SQL)
          return { rows: (values[1] as string[]).map((name) => ({ name, id: ids[name] })) };
        return { rows: [] };
      }
    }
    const counters = { received: 0, stored: 0, errors: 0 };
    const env: Record<string, string> = { [ENV_DB]: 'postgres://fake/db', [ENV_TENANT]: 'tenant-1' };
    const store = new Map<string, unknown>();
    const node = functionNode(
      functions.find((n) => n.name === 'store batch')!,
      {
        pg: { Pool },
        env: { get: (k: string) => env[k] },
        global: { get: (k: string) => (k === COUNTERS ? counters : undefined) },
        context: { get: (k: string) => store.get(k), set: (k: string, v: unknown) => store.set(k, v) },
      },
    );
    await new Promise((r) => setImmediate(r));
    const msg = (name: string, ts: number, value: number) => ({
      deviceName: name,
      deviceType: 'sensor',
      attributes: { integrationName: 'MQTT Integration' },
      telemetry: { ts, values: { temperature: value } },
    });
    const first = [msg('a', 1, 20.5), msg('b', 1, 21), msg('a', 2, 22)];
    await node.run({ payload: first });
    await node.run({ payload: [msg('b', 3, 23)] });
    expect(node.warnings).toEqual([]);
    expect(calls.map((c) => c.text)).toEqual([CREATE_DEVICES_SQL, FIND_DEVICES_SQL, SAVE_SQL, SAVE_SQL]);
    expect(calls[0]!.values.slice(1)).toEqual(['tenant-1', ['a', 'b'], ['sensor', 'sensor']]);
    const now = calls[0]!.values[0] as number;
    const known = new Map(Object.entries(ids).map(([n, id]) => [n, id]));
    expect(JSON.parse(JSON.stringify(calls[2]!.values))).toEqual(
      JSON.parse(
        JSON.stringify(
          batchParams(
            first.map((r) => resultOf(r, now)),
            known,
            now,
          ),
        ),
      ),
    );
    expect(counters).toEqual({ received: 4, stored: 4, errors: 0 });
  });
});
