/**
 * The floor reference (a forked process): the smallest honest pipeline with no platform around it.
 * mqtt.js subscriber → the same decoder in node:vm → devices found or created in one statement →
 * ts_kv, ts_kv_latest and attribute_kv written in one statement per batch. QoS 1 messages are
 * acknowledged only after their batch committed, as the platform does.
 */
import mqtt, { type IPublishPacket } from 'mqtt';
import pg from 'pg';
import vm from 'node:vm';

export interface FloorConfig {
  mqttUrl: string;
  dbUrl: string;
  tenantId: string;
  filter: string;
  qos: 0 | 1;
  decoder: string;
  clientId: string;
  integrationName: string;
}
export type ToFloor = { type: 'start'; config: FloorConfig } | { type: 'stop' };
export type FromFloor =
  | { type: 'ready' }
  | { type: 'progress'; received: number; stored: number }
  | { type: 'stopped'; received: number; stored: number; errors: number }
  | { type: 'error'; message: string };

const BATCH_MAX = 1000;
const LINGER_MS = 10;
const HIGH_WATER = 5000;

interface Msg {
  topic: string;
  payload: Buffer;
  ack: () => void;
}
type Typed = [boolean | null, string | null, number | null, string | null, string | null];
function typed(v: unknown): Typed | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return [v, null, null, null, null];
  if (typeof v === 'number')
    return Number.isSafeInteger(v) ? [null, String(v), null, null, null] : [null, null, v, null, null];
  if (typeof v === 'string') return [null, null, null, v, null];
  return [null, null, null, null, JSON.stringify(v)];
}

const COLS = 'bool_v, long_v, dbl_v, str_v, json_v';
const SET =
  'bool_v = EXCLUDED.bool_v, long_v = EXCLUDED.long_v, dbl_v = EXCLUDED.dbl_v, str_v = EXCLUDED.str_v, json_v = EXCLUDED.json_v';
const VALS = (from: number) =>
  `$${from}::boolean[], $${from + 1}::bigint[], $${from + 2}::float8[], $${from + 3}::text[], $${from + 4}::jsonb[]`;
const SAVE_SQL = `WITH h AS (
  INSERT INTO ts_kv (entity_id, key, ts, ${COLS}) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], ${VALS(4)})
  ON CONFLICT (entity_id, key, ts) DO UPDATE SET ${SET} RETURNING 1),
l AS (
  INSERT INTO ts_kv_latest (entity_id, key, ts, ${COLS}) SELECT * FROM unnest($9::uuid[], $10::text[], $11::bigint[], ${VALS(12)})
  ON CONFLICT (entity_id, key) DO UPDATE SET ts = EXCLUDED.ts, ${SET} WHERE ts_kv_latest.ts <= EXCLUDED.ts RETURNING 1),
a AS (
  INSERT INTO attribute_kv (entity_id, scope, key, last_update_ts, ${COLS})
  SELECT u.e, 'SERVER_SCOPE', u.k, u.t, u.b, u.l, u.d, u.s, u.j FROM unnest($17::uuid[], $18::text[], $19::bigint[], ${VALS(20)}) AS u(e, k, t, b, l, d, s, j)
  ON CONFLICT (entity_id, scope, key) DO UPDATE SET last_update_ts = EXCLUDED.last_update_ts, ${SET} RETURNING 1)
SELECT (SELECT count(*) FROM h) AS n`;

class Columns {
  ids: string[] = [];
  keys: string[] = [];
  ts: number[] = [];
  v: [unknown[], unknown[], unknown[], unknown[], unknown[]] = [[], [], [], [], []];
  push(id: string, key: string, ts: number, t: Typed): void {
    this.ids.push(id);
    this.keys.push(key);
    this.ts.push(ts);
    for (let i = 0; i < 5; i++) this.v[i]!.push(t[i]);
  }
  params(): unknown[] {
    return [this.ids, this.keys, this.ts, ...this.v];
  }
}

async function start(c: FloorConfig): Promise<() => Promise<FromFloor>> {
  const pool = new pg.Pool({ connectionString: c.dbUrl, max: 2 });
  pool.on('error', () => undefined); // an idle client dropped by the server: the next query reconnects or rejects
  const ctx = vm.createContext({});
  const decode = new vm.Script(`(function (payload, metadata) {\n${c.decoder}\n})`).runInContext(ctx) as (
    p: number[],
    m: Record<string, string>,
  ) => unknown;
  const devices = new Map<string, string>();
  const queue: Msg[] = [];
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let received = 0;
  let stored = 0;
  let errors = 0;
  let paused: (() => void) | null = null;

  async function resolveDevices(wanted: Map<string, string>): Promise<void> {
    const names = [...wanted.keys()].filter((n) => !devices.has(n));
    if (!names.length) return;
    const now = Date.now();
    await pool.query(
      `INSERT INTO device (id, created_time, tenant_id, name, type)
       SELECT gen_random_uuid(), $1, $2, n, t FROM unnest($3::text[], $4::text[]) AS u(n, t)
       ON CONFLICT (tenant_id, name) DO NOTHING`,
      [now, c.tenantId, names, names.map((n) => wanted.get(n))],
    );
    const rows = await pool.query<{ id: string; name: string }>(
      'SELECT id, name FROM device WHERE tenant_id = $1 AND name = ANY($2)',
      [c.tenantId, names],
    );
    for (const r of rows.rows) devices.set(r.name, r.id);
  }

  async function save(batch: Msg[]): Promise<void> {
    const results: {
      name: string;
      type: string;
      attrs: Record<string, unknown>;
      tel: { ts: number; values: Record<string, unknown> }[];
    }[] = [];
    const wanted = new Map<string, string>();
    const now = Date.now();
    for (const m of batch) {
      try {
        const r = decode(Array.from(m.payload), {
          topic: m.topic,
          integrationName: c.integrationName,
        }) as Record<string, any>;
        const t = r.telemetry;
        const tel = !t
          ? []
          : Array.isArray(t)
            ? t
            : 'ts' in t && 'values' in t
              ? [t]
              : [{ ts: now, values: t }];
        results.push({ name: r.deviceName, type: r.deviceType, attrs: r.attributes ?? {}, tel });
        wanted.set(r.deviceName, r.deviceType);
      } catch {
        errors++;
      }
    }
    await resolveDevices(wanted);
    // one row per (device, key, ts) in a statement: ON CONFLICT cannot touch a row twice
    const points = new Map<string, [string, string, number, Typed]>();
    const latest = new Map<string, [string, string, number, Typed]>();
    const attrs = new Map<string, [string, string, number, Typed]>();
    for (const r of results) {
      const id = devices.get(r.name)!;
      for (const p of r.tel)
        for (const [k, v] of Object.entries(p.values)) {
          const t = typed(v);
          if (!t) continue;
          points.set(`${id}|${k}|${p.ts}`, [id, k, p.ts, t]);
          const cur = latest.get(id + k);
          if (!cur || cur[2] <= p.ts) latest.set(id + k, [id, k, p.ts, t]);
        }
      for (const [k, v] of Object.entries(r.attrs)) {
        const t = typed(v);
        if (t) attrs.set(id + k, [id, k, now, t]);
      }
    }
    const ts = new Columns();
    for (const x of points.values()) ts.push(...x);
    const l = new Columns();
    for (const x of latest.values()) l.push(...x);
    const a = new Columns();
    for (const x of attrs.values()) a.push(...x);
    await pool.query(SAVE_SQL, [...ts.params(), ...l.params(), ...a.params()]);
    stored += batch.length;
  }

  async function loop(): Promise<void> {
    running = true;
    while (queue.length) {
      const batch = queue.splice(0, BATCH_MAX);
      if (paused && queue.length < HIGH_WATER) {
        paused();
        paused = null;
      }
      for (;;) {
        try {
          await save(batch);
          break;
        } catch (e) {
          report(e);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      for (const m of batch) m.ack();
    }
    running = false;
  }
  const report = (e: unknown) =>
    send({ type: 'error', message: `floor batch failed: ${(e as Error).message}` });
  const kick = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!running) void loop();
  };

  const client = await mqtt.connectAsync(c.mqttUrl, {
    clientId: c.clientId,
    clean: true,
    reconnectPeriod: 0,
    protocolVersion: 5,
    properties: { receiveMaximum: 1000 },
  });
  // Ack after commit without blocking mqtt.js's reader (it sends PUBACK from handleMessage's callback).
  type SendPacket = (
    packet: { cmd: string; messageId?: number },
    cb?: () => void,
    ...rest: unknown[]
  ) => void;
  const raw = client as unknown as {
    _sendPacket: SendPacket;
    handleMessage: (p: IPublishPacket, cb: () => void) => void;
  };
  const sendPacket = raw._sendPacket.bind(client) as SendPacket;
  const held = new Set<number>();
  raw._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined && held.delete(packet.messageId))
      return cb?.();
    sendPacket(packet, cb, ...rest);
  };
  raw.handleMessage = (packet, cb) => {
    received++;
    const id = packet.messageId;
    if (packet.qos === 1 && id !== undefined) held.add(id);
    const ack =
      packet.qos === 1 && id !== undefined
        ? () => sendPacket({ cmd: 'puback', messageId: id })
        : () => undefined;
    queue.push({ topic: packet.topic, payload: packet.payload as Buffer, ack });
    if (!running && !timer) timer = queue.length >= BATCH_MAX ? (kick(), null) : setTimeout(kick, LINGER_MS);
    if (queue.length >= HIGH_WATER) paused = cb;
    else cb();
  };
  await client.subscribeAsync(c.filter, { qos: c.qos });
  const progress = setInterval(() => send({ type: 'progress', received, stored }), 50);
  return async () => {
    clearInterval(progress);
    const until = Date.now() + 30000;
    while ((queue.length || running) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await client.endAsync();
    await pool.end();
    return { type: 'stopped', received, stored, errors };
  };
}

const send = (m: FromFloor, then?: () => void) => process.send!(m, undefined, {}, () => then?.());
let stop: (() => Promise<FromFloor>) | null = null;
process.on('message', (m: ToFloor) => {
  if (m.type === 'start')
    start(m.config).then(
      (s) => {
        stop = s;
        send({ type: 'ready' });
      },
      (e: Error) => send({ type: 'error', message: e.message }, () => process.exit(1)),
    );
  else if (stop) void stop().then((r) => send(r, () => process.exit(0)));
});
