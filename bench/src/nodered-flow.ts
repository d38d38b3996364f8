/**
 * The Node-RED reference's flow (flows.json), generated per load: the same job as the floor reference
 * and the platform, built the way a Node-RED user would build it from stock nodes.
 *
 *   [mqtt in] ──► [function: the decoder] ──► [join: batches] ──► [function: store, with `pg`]
 *
 * - `mqtt in` on the scenario's topic filter and QoS, payload as a Buffer.
 * - The decoder function node runs the decoder text unchanged: `payload` is the byte array, `metadata`
 *   has the topic and the integration name (as the floor and the platform pass them), and msg.payload
 *   becomes what the decoder returns.
 * - `join` in manual mode builds an array of up to BATCH_MAX results, or what arrived in LINGER_S.
 * - The store function node uses `pg` (functionExternalModules, `libs` of the node) and writes each
 *   batch with store-sql.ts's storeBatch: the floor's rows, one statement per batch once devices exist.
 *   Batches are written one after another (a promise chain), as the floor does; no contrib Postgres
 *   node on the registry is maintained for pg 8 (bench/README.md).
 */
import {
  batchParams,
  Columns,
  CREATE_DEVICES_SQL,
  FIND_DEVICES_SQL,
  resultOf,
  SAVE_SQL,
  storeBatch,
  typed,
} from './store-sql.js';

/** the floor's batch size */
export const BATCH_MAX = 1000;
/**
 * The join node's timeout, s: a group goes out with BATCH_MAX results or this long after its first.
 * Short like the floor's 10 ms linger, but a join timer does not wait for the previous commit as the
 * floor's queue does (the floor's batches grow while one commits), so groups cut every 10 ms would stay
 * small and each cost a statement; 50 ms lets them fill at the rates measured, at 50 ms more latency.
 */
export const LINGER_S = 0.05;

export interface NodeRedFlowConfig {
  mqttUrl: string;
  filter: string;
  qos: 0 | 1;
  clientId: string;
  decoder: string;
  integrationName: string;
}

/** Environment variables the store node reads (env.get): the database URL stays out of every file. */
export const ENV_DB = 'BB_BENCH_NODERED_DATABASE_URL';
export const ENV_TENANT = 'BB_BENCH_NODERED_TENANT_ID';
/** functionGlobalContext key of the counters the runner reports: { received, stored, errors } */
export const COUNTERS = 'bbBench';

const ID = {
  tab: 'bb-bench-tab',
  broker: 'bb-bench-broker',
  in: 'bb-bench-mqtt-in',
  decode: 'bb-bench-decode',
  join: 'bb-bench-join',
  store: 'bb-bench-store',
};

/** The decoder function node's body. */
export function decodeFunction(decoder: string, integrationName: string): string {
  return `// the platform's uplink decoder, unchanged; payload: the message's bytes
msg.payload = (function (payload, metadata) {
${decoder}
})(Array.from(msg.payload), { topic: msg.topic, integrationName: ${JSON.stringify(integrationName)} });
return msg;`;
}

/** The store function node's On Start code: a pool of one connection and a serial batch writer. */
export function storeInitialize(): string {
  const sql = { SAVE_SQL, CREATE_DEVICES_SQL, FIND_DEVICES_SQL };
  return `const counters = global.get(${JSON.stringify(COUNTERS)});
const tenantId = env.get(${JSON.stringify(ENV_TENANT)});
const pool = new pg.Pool({ connectionString: env.get(${JSON.stringify(ENV_DB)}), max: 1 });
pool.on('error', () => undefined);
${Object.entries(sql)
  .map(([k, v]) => `const ${k} = ${JSON.stringify(v)};`)
  .join('\n')}
${[typed, Columns, resultOf, batchParams, storeBatch].map((f) => f.toString()).join('\n')}
const devices = new Map();
const query = (text, values) => pool.query(text, values);
let tail = Promise.resolve();
async function save(items) {
  const now = Date.now();
  const results = [];
  for (const r of items) {
    try {
      results.push(resultOf(r, now));
    } catch (e) {
      counters.errors++;
    }
  }
  // as the floor: a failed batch is retried until it commits, so a hiccup is not counted as lost
  for (;;) {
    try {
      await storeBatch(query, tenantId, devices, results, now);
      break;
    } catch (e) {
      node.error('batch failed: ' + e.message);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  counters.stored += items.length;
}
context.set('store', (items) => {
  counters.received += items.length;
  tail = tail.then(() => save(items));
  return tail;
});
context.set('pool', pool);`;
}

const STORE_FUNC = `await context.get('store')(msg.payload);
return null;`;
const STORE_FINALIZE = `context.get('pool').end();`;

/** flows.json for one load. */
export function noderedFlow(c: NodeRedFlowConfig): Record<string, unknown>[] {
  const u = new URL(c.mqttUrl);
  const fn = { z: ID.tab, outputs: 1, timeout: 0, noerr: 0, finalize: '', libs: [], x: 0, y: 0 };
  return [
    { id: ID.tab, type: 'tab', label: 'Bridgeboard bench', disabled: false, info: '' },
    {
      id: ID.broker,
      type: 'mqtt-broker',
      name: 'bench broker',
      broker: u.hostname,
      port: u.port || '1883',
      clientid: c.clientId,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoUnsubscribe: true,
      birthTopic: '',
      closeTopic: '',
      willTopic: '',
    },
    {
      id: ID.in,
      type: 'mqtt in',
      z: ID.tab,
      name: 'sensors',
      topic: c.filter,
      qos: String(c.qos),
      datatype: 'buffer',
      broker: ID.broker,
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      x: 0,
      y: 0,
      wires: [[ID.decode]],
    },
    {
      ...fn,
      id: ID.decode,
      type: 'function',
      name: 'uplink decoder',
      func: decodeFunction(c.decoder, c.integrationName),
      initialize: '',
      wires: [[ID.join]],
    },
    {
      id: ID.join,
      type: 'join',
      z: ID.tab,
      name: 'batch',
      mode: 'custom',
      build: 'array',
      property: 'payload',
      propertyType: 'msg',
      key: 'topic',
      joiner: '\\n',
      joinerType: 'str',
      useparts: false,
      accumulate: false,
      timeout: String(LINGER_S),
      count: String(BATCH_MAX),
      reduceRight: false,
      x: 0,
      y: 0,
      wires: [[ID.store]],
    },
    {
      ...fn,
      id: ID.store,
      type: 'function',
      name: 'store batch',
      func: STORE_FUNC,
      initialize: storeInitialize(),
      finalize: STORE_FINALIZE,
      libs: [{ var: 'pg', module: 'pg' }],
      outputs: 0,
      wires: [],
    },
  ];
}
