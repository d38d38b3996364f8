/**
 * What the floor reference and the Node-RED reference write, and how: the rows of one batch of decoder
 * results, deduplicated, in ONE statement into ts_kv (keys and devices as ts_kv_dictionary / ts_kv_entity ids), ts_kv_latest and attribute_kv (data-modifying
 * CTEs over unnest arrays, as the platform's TelemetryService does). Device names not seen before are
 * created first with one INSERT … ON CONFLICT and one SELECT.
 *
 * `typed`, `Columns`, `resultOf`, `batchParams` and `storeBatch` use nothing but each other and the
 * SQL constants: the Node-RED reference runs their source text (Function.prototype.toString) inside a
 * function node (nodered-flow.ts), so both references store exactly the same rows the same way.
 */

/** one value in ts_kv's typed columns: bool_v, long_v, dbl_v, str_v, json_v */
export type Typed = [boolean | null, string | null, number | null, string | null, string | null];
export function typed(v: unknown): Typed | null {
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
/** parameters: batchParams(...) */
export const SAVE_SQL = `WITH kd AS (
  INSERT INTO ts_kv_dictionary (key) SELECT DISTINCT k FROM unnest($2::text[]) AS k ORDER BY 1 ON CONFLICT (key) DO NOTHING RETURNING key, key_id),
ks AS (SELECT key, key_id FROM kd UNION ALL SELECT key, key_id FROM ts_kv_dictionary WHERE key = ANY($2::text[])),
ed AS (
  INSERT INTO ts_kv_entity (entity_id) SELECT DISTINCT e FROM unnest($1::uuid[]) AS e ORDER BY 1 ON CONFLICT (entity_id) DO NOTHING RETURNING entity_id, entity_idx),
es AS (SELECT entity_id, entity_idx FROM ed UNION ALL SELECT entity_id, entity_idx FROM ts_kv_entity WHERE entity_id = ANY($1::uuid[])),
h AS (
  INSERT INTO ts_kv (entity_idx, key, ts, ${COLS})
  SELECT es.entity_idx, ks.key_id, u.t, u.b, u.l, u.d, u.s, u.j FROM unnest($1::uuid[], $2::text[], $3::bigint[], ${VALS(4)}) AS u(e, k, t, b, l, d, s, j)
  JOIN ks ON ks.key = u.k JOIN es ON es.entity_id = u.e
  ON CONFLICT (entity_idx, key, ts) DO UPDATE SET ${SET} RETURNING 1),
l AS (
  INSERT INTO ts_kv_latest (entity_id, key, ts, ${COLS}) SELECT * FROM unnest($9::uuid[], $10::text[], $11::bigint[], ${VALS(12)})
  ON CONFLICT (entity_id, key) DO UPDATE SET ts = EXCLUDED.ts, ${SET} WHERE ts_kv_latest.ts <= EXCLUDED.ts RETURNING 1),
a AS (
  INSERT INTO attribute_kv (entity_id, scope, key, last_update_ts, ${COLS})
  SELECT u.e, 'SERVER_SCOPE', u.k, u.t, u.b, u.l, u.d, u.s, u.j FROM unnest($17::uuid[], $18::text[], $19::bigint[], ${VALS(20)}) AS u(e, k, t, b, l, d, s, j)
  ON CONFLICT (entity_id, scope, key) DO UPDATE SET last_update_ts = EXCLUDED.last_update_ts, ${SET} RETURNING 1)
SELECT (SELECT count(*) FROM h) AS n`;
/** parameters: now, tenant id, names[], types[]; a device type names its device profile, created on first use (as the platform does) */
export const CREATE_DEVICES_SQL = `WITH want AS (SELECT DISTINCT t FROM unnest($4::text[]) AS t),
ins AS (
  INSERT INTO device_profile (id, created_time, tenant_id, name) SELECT gen_random_uuid(), $1, $2, t FROM want
  ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id, name),
prof AS (SELECT id, name FROM ins UNION ALL SELECT id, name FROM device_profile WHERE tenant_id = $2 AND name IN (SELECT t FROM want))
INSERT INTO device (id, created_time, tenant_id, name, type, device_profile_id)
  SELECT gen_random_uuid(), $1, $2, u.n, u.t, prof.id FROM unnest($3::text[], $4::text[]) AS u(n, t) JOIN prof ON prof.name = u.t
  ON CONFLICT (tenant_id, name) DO NOTHING`;
/** parameters: tenant id, names[] */
export const FIND_DEVICES_SQL = 'SELECT id, name FROM device WHERE tenant_id = $1 AND name = ANY($2)';

export class Columns {
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

export interface Decoded {
  name: string;
  type: string;
  attrs: Record<string, unknown>;
  tel: { ts: number; values: Record<string, unknown> }[];
}

/** A decoder's result in one shape: telemetry as a list of {ts, values} (ts = now when it has none). */
export function resultOf(r: Record<string, any>, now: number): Decoded {
  const t = r.telemetry;
  const tel = !t ? [] : Array.isArray(t) ? t : 'ts' in t && 'values' in t ? [t] : [{ ts: now, values: t }];
  return { name: r.deviceName, type: r.deviceType, attrs: r.attributes ?? {}, tel };
}

/** SAVE_SQL's parameters for a batch; one row per (device, key, ts), as ON CONFLICT cannot touch a row twice. */
export function batchParams(results: Decoded[], ids: Map<string, string>, now: number): unknown[] {
  const points = new Map<string, [string, string, number, Typed]>();
  const latest = new Map<string, [string, string, number, Typed]>();
  const attrs = new Map<string, [string, string, number, Typed]>();
  for (const r of results) {
    const id = ids.get(r.name)!;
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
  return [...ts.params(), ...l.params(), ...a.params()];
}

export type Query = (sql: string, params: unknown[]) => Promise<{ rows: any[] }>;

/**
 * Stores one batch of decoder results: names not in `devices` (name → id, kept by the caller) are
 * created and looked up first (one round trip each, only while new devices appear), then SAVE_SQL.
 */
export async function storeBatch(
  q: Query,
  tenantId: string,
  devices: Map<string, string>,
  results: Decoded[],
  now: number,
): Promise<void> {
  const wanted = new Map<string, string>();
  for (const r of results) if (!devices.has(r.name)) wanted.set(r.name, r.type);
  if (wanted.size) {
    const names = [...wanted.keys()];
    await q(CREATE_DEVICES_SQL, [now, tenantId, names, names.map((n) => wanted.get(n))]);
    for (const r of (await q(FIND_DEVICES_SQL, [tenantId, names])).rows) devices.set(r.name, r.id);
  }
  await q(SAVE_SQL, batchParams(results, devices, now));
}
