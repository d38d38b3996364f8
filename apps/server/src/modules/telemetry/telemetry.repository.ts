import type { Aggregation, AttributeScope, IntervalType } from '@bridgeboard/contracts';
import type { Db, Queryable } from '../../database/db.js';
import { pgArray } from '../../database/pg-array.js';
import type { Typed, TypedRow } from './telemetry.values.js';
import { ENTITY_DICTIONARY, TsKvDictionary } from './ts-kv-dictionary.js';
import { HOUR, LATE_AFTER_MS, markDirtySql, wholeHourOffset } from './ts-kv-rollup.js';

/** Longest range read through the rollup: the query lists its hours (26,000 per key for 3 years); longer ones (startTs = 0 …) stay raw. */
const ROLLUP_MAX_SPAN_MS = 3 * 366 * 24 * HOUR;

export interface TsRow extends Typed {
  entityId: string;
  key: string;
  ts: number;
}
export interface AttrRow extends Typed {
  entityId: string;
  scope: AttributeScope;
  key: string;
  ts: number;
}
export interface LatestChange {
  entity_id: string;
  key: string;
  ts: string;
}
export type StoredTs = TypedRow & { key: string; ts: string };
export type StoredAttr = TypedRow & { key: string; scope: AttributeScope; last_update_ts: string };

const COLS = ['bool_v', 'long_v', 'dbl_v', 'str_v', 'json_v'] as const;
const TYPES = ['boolean', 'bigint', 'float8', 'text', 'jsonb'];
const SET = COLS.map((c) => `${c} = EXCLUDED.${c}`).join(', ');

/**
 * Rows in one order shared by every writer: (device uuid, scope, key name, ts). Two batches that upsert
 * the same rows (two integrations on one topic, several nodes) lock them in the order they are written;
 * in one shared order neither can hold a row the other already waits for, so they queue instead of
 * deadlocking. (ts_kv's primary key is on the dictionaries' ids; any order all writers share will do.)
 */
export function byKey<T extends { entityId: string; key: string; scope?: string; ts?: number }>(rows: T[]): T[] {
  for (let i = 1; i < rows.length; i++) if (compareRows(rows[i - 1]!, rows[i]!) > 0) return [...rows].sort(compareRows);
  return rows; // already in order (TelemetryService.saveBatch sorts once): a pass, no copy
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
function compareRows(a: { entityId: string; key: string; scope?: string; ts?: number }, b: typeof a): number {
  return cmp(a.entityId, b.entityId) || cmp(a.scope ?? '', b.scope ?? '') || cmp(a.key, b.key) || (a.ts ?? 0) - (b.ts ?? 0);
}

/**
 * A batch's points in key order without repeats (ON CONFLICT cannot touch a row twice in one
 * statement; of two points of one device, key and ts the later one wins), and the latest point of
 * each (device, key). The sort is stable, so "later" is the order of the batch.
 */
export function historyAndLatest(points: TsRow[]): { history: TsRow[]; latest: TsRow[] } {
  const sorted = byKey(points);
  const history: TsRow[] = [];
  const latest: TsRow[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const next = sorted[i + 1];
    const sameSeries = next !== undefined && next.entityId === r.entityId && next.key === r.key;
    if (sameSeries && next.ts === r.ts) continue;
    history.push(r);
    if (!sameSeries) latest.push(r);
  }
  return { history, latest };
}

/**
 * Time series and attributes of devices. Tenant checks happen before these calls (the device
 * is looked up in the caller's tenant); rows are keyed by device id only.
 */
export class TelemetryRepository {
  /** key names ⇄ the integers ts_kv stores */
  readonly dictionary: TsKvDictionary;
  /** device uuids ⇄ the integers ts_kv stores (ts_kv_entity) */
  readonly entities: TsKvDictionary;

  /** `readRollup: false` computes every aggregate from the raw points (tests compare both) */
  constructor(
    private readonly db: Db,
    private readonly opts: { readRollup?: boolean } = {},
  ) {
    this.dictionary = new TsKvDictionary(db);
    // ~150 bytes a cached device: 250,000 devices ≈ 40 MB at most
    this.entities = new TsKvDictionary(db, ENTITY_DICTIONARY, 250_000);
  }

  /**
   * Writes history, latest values and attributes in ONE statement (data-modifying CTEs), so a
   * batch costs one round trip and commits atomically. Callers pass rows deduplicated on each
   * primary key (ON CONFLICT cannot touch a row twice in one statement); rows are written in key
   * order (byKey) and the tables always in the same order, so concurrent batches never deadlock.
   * Returns the latest values that moved (latest only moves forward in time) and attributes written.
   */
  async saveBatch(tsRows: TsRow[], latestRows: TsRow[], attrRows: AttrRow[], q: Queryable = this.db): Promise<{ latest: LatestChange[] }> {
    const [ts, latest, attrs] = [byKey(tsRows), byKey(latestRows), byKey(attrRows)];
    const ids = ts.length ? await this.dictionary.idsOf(new Set(ts.map((r) => r.key))) : new Map<string, number>();
    const entityIdx = await this.entityIdsOf(ts);
    const p: unknown[] = [];
    const arr = (v: unknown[], t: string) => {
      p.push(pgArray(v, t === 'text' || t === 'jsonb' ? 'quoted' : 'plain'));
      return `$${p.length}::${t}[]`;
    };
    const typed = (rows: Typed[]) => COLS.map((c, i) => arr(rows.map((r) => r[c]), TYPES[i]!)).join(', ');
    // ts_kv is partitioned on ts: Postgres routes each row to its partition (or ts_kv_default) in this one statement.
    const [tsE, tsK, tsT] = [
      arr(entityIdx, 'int'),
      arr(ts.map((r) => ids.get(r.key)!), 'int'),
      arr(ts.map((r) => r.ts), 'bigint'),
    ];
    const tsSql = `INSERT INTO ts_kv (entity_idx, key, ts, ${COLS.join(', ')})
      SELECT * FROM unnest(${tsE}, ${tsK}, ${tsT}, ${typed(ts)})
      ON CONFLICT (entity_idx, key, ts) DO UPDATE SET ${SET} RETURNING 1`;
    // Points older than the rollup's watermark mark their (device, key, hour) dirty in the same statement;
    // a batch of fresh points (the common case) leaves that part out (see LATE_AFTER_MS).
    let minTs = Infinity;
    for (const r of ts) if (r.ts < minTs) minTs = r.ts;
    // (the rollup tables keep device uuids: a rollup row stands for ~60 points, so 12 bytes more cost ~0.2 a point)
    const dirty = minTs < Date.now() - LATE_AFTER_MS ? `d AS (${markDirtySql(arr(ts.map((r) => r.entityId), 'uuid'), tsK, tsT)}), ` : '';
    const latestSql = `INSERT INTO ts_kv_latest (entity_id, key, ts, ${COLS.join(', ')})
      SELECT * FROM unnest(${arr(latest.map((r) => r.entityId), 'uuid')}, ${arr(latest.map((r) => r.key), 'text')}, ${arr(latest.map((r) => r.ts), 'bigint')}, ${typed(latest)})
      ON CONFLICT (entity_id, key) DO UPDATE SET ts = EXCLUDED.ts, ${SET} WHERE ts_kv_latest.ts <= EXCLUDED.ts
      RETURNING entity_id, key, ts`;
    const attrSql = `INSERT INTO attribute_kv (entity_id, scope, key, last_update_ts, ${COLS.join(', ')})
      SELECT * FROM unnest(${arr(attrs.map((r) => r.entityId), 'uuid')}, ${arr(attrs.map((r) => r.scope), 'text')}, ${arr(attrs.map((r) => r.key), 'text')}, ${arr(attrs.map((r) => r.ts), 'bigint')}, ${typed(attrs)})
      ON CONFLICT (entity_id, scope, key) DO UPDATE SET last_update_ts = EXCLUDED.last_update_ts, ${SET} RETURNING 1`;
    const rows = await q.query<LatestChange>(
      `WITH h AS (${tsSql}), ${dirty}a AS (${attrSql}), l AS (${latestSql})
       SELECT entity_id, key, ts FROM l`,
      p,
    );
    return { latest: rows };
  }

  /** The ts_kv device id of each row (rows in byKey order: one lookup per run of a device, not per point). */
  private async entityIdsOf(rows: TsRow[]): Promise<number[]> {
    const devices: string[] = [];
    for (let i = 0; i < rows.length; i++) if (i === 0 || rows[i]!.entityId !== rows[i - 1]!.entityId) devices.push(rows[i]!.entityId);
    if (!devices.length) return [];
    const ids = await this.entities.idsOf(devices);
    const out = new Array<number>(rows.length);
    let idx = 0;
    for (let i = 0; i < rows.length; i++) {
      if (i === 0 || rows[i]!.entityId !== rows[i - 1]!.entityId) idx = ids.get(rows[i]!.entityId.toLowerCase())!;
      out[i] = idx;
    }
    return out;
  }

  /** Every time-series key of these entities (the per-device key limit's cache). */
  keysOf(entityIds: string[]): Promise<{ entity_id: string; key: string }[]> {
    return this.db.query('SELECT entity_id, key FROM ts_kv_latest WHERE entity_id = ANY($1::uuid[])', [entityIds]);
  }

  async keys(entityId: string): Promise<string[]> {
    const rows = await this.db.query<{ key: string }>('SELECT key FROM ts_kv_latest WHERE entity_id = $1 ORDER BY key', [entityId]);
    return rows.map((r) => r.key);
  }

  latest(entityId: string, keys: string[] | null): Promise<StoredTs[]> {
    return this.db.query<StoredTs>(
      `SELECT key, ts, ${COLS.join(', ')} FROM ts_kv_latest WHERE entity_id = $1 AND ($2::text[] IS NULL OR key = ANY($2)) ORDER BY key`,
      [entityId, keys],
    );
  }

  /** Raw points of each key in [startTs, endTs), newest or oldest first, `limit` per key. */
  async history(entityId: string, keys: string[], startTs: number, endTs: number, limit: number, order: 'ASC' | 'DESC'): Promise<StoredTs[]> {
    const ids = await this.dictionary.existing(keys);
    const idx = await this.entities.idOf(entityId);
    if (!ids.size || idx === undefined) return [];
    return this.db.query<StoredTs>(
      `SELECT k.name AS key, t.ts, ${COLS.map((c) => `t.${c}`).join(', ')}
       FROM unnest($2::int[], $6::text[]) AS k(id, name)
       CROSS JOIN LATERAL (
         SELECT ts, ${COLS.join(', ')} FROM ts_kv
         WHERE entity_idx = $1 AND key = k.id AND ts >= $3 AND ts < $4
         ORDER BY ts ${order} LIMIT $5) t`,
      [idx, [...ids.values()], startTs, endTs, limit, [...ids.keys()]],
    );
  }

  /**
   * Aggregates each key per bucket, in SQL: the buckets are generated first (fixed `interval` ms
   * from startTs, or calendar weeks/months/quarters in `timeZone`, so a month across a DST change
   * is its true length), then the points of the range are grouped by bucket in one scan.
   * The ts of a bucket is its middle, clipped to [startTs, endTs) (as ThingsBoard); empty buckets are left out.
   */
  async aggregate(
    entityId: string,
    keys: string[],
    startTs: number,
    endTs: number,
    bucketing: { intervalType: IntervalType; interval?: number; timeZone: string },
    agg: Exclude<Aggregation, 'NONE'>,
    limit: number,
    order: 'ASC' | 'DESC',
  ): Promise<{ key: string; ts: string; v: number | string | null }[]> {
    const ids = await this.dictionary.existing(keys);
    const idx = await this.entities.idOf(entityId);
    if (!ids.size || idx === undefined || endTs <= startTs) return [];
    const num = 'COALESCE(long_v::float8, dbl_v)';
    const expr = { AVG: `avg(${num})`, MIN: `min(${num})`, MAX: `max(${num})`, SUM: `sum(${num})`, COUNT: 'count(*)' }[agg];
    // $1 is the device's ts_kv id (entity_idx); the rollup tables are read by its uuid ($8, pushed below)
    const p: unknown[] = [idx, [...ids.values()], [...ids.keys()], startTs, endTs, limit];
    let buckets: string;
    if (bucketing.intervalType === 'MILLISECONDS') {
      p.push(bucketing.interval);
      buckets = `SELECT $4::bigint + i * $7::bigint AS bs, LEAST($4::bigint + (i + 1) * $7::bigint, $5::bigint) AS be
                 FROM generate_series(0::bigint, ($5::bigint - $4::bigint - 1) / $7::bigint) AS i`;
    } else {
      p.push(bucketing.timeZone);
      const local = (ms: string) => `(to_timestamp((${ms})::bigint / 1000.0) AT TIME ZONE $7::text)`;
      const [unit, step, shift] = {
        WEEK: ['week', '1 week', "interval '1 day'"], // weeks start on Sunday
        WEEK_ISO: ['week', '1 week', "interval '0'"], // on Monday
        MONTH: ['month', '1 month', "interval '0'"],
        QUARTER: ['quarter', '3 months', "interval '0'"],
      }[bucketing.intervalType];
      const epoch = (l: string) => `(extract(epoch FROM (${l}) AT TIME ZONE $7::text) * 1000)::bigint`;
      buckets = `SELECT GREATEST(${epoch('l')}, $4::bigint) AS bs, LEAST(${epoch(`l + interval '${step}'`)}, $5::bigint) AS be
                 FROM generate_series(date_trunc('${unit}', ${local('$4::bigint')} + ${shift}) - ${shift}, ${local('$5::bigint - 1')}, interval '${step}') AS l`;
    }
    const hourly =
      this.opts.readRollup !== false &&
      endTs - startTs >= HOUR &&
      endTs - startTs <= ROLLUP_MAX_SPAN_MS &&
      (bucketing.intervalType === 'MILLISECONDS'
        ? bucketing.interval! % HOUR === 0 && (startTs % HOUR === 0 || bucketing.interval! > HOUR) // daily from "now − 30 d": 23 of 24 hours
        : wholeHourOffset(bucketing.timeZone, startTs) && wholeHourOffset(bucketing.timeZone, endTs - 1));
    const select = `SELECT key, ts, v FROM (
         SELECT k.name AS key, (b.bs + b.be) / 2 AS ts, g.v,
                row_number() OVER (PARTITION BY k.name ORDER BY b.bs ${order}) AS rn
         FROM g JOIN b ON b.i = g.i JOIN unnest($2::int[], $3::text[]) AS k(id, name) ON k.id = g.key
         WHERE g.n > 0 AND g.v IS NOT NULL
       ) x WHERE rn <= $6 ORDER BY key, ts ${order}`;
    if (!hourly)
      // One index range scan over [startTs, endTs) (partitions outside it pruned), each row put in its
      // bucket by a binary search over the bucket starts (width_bucket), grouped per key and bucket.
      return this.db.query(
        `WITH b AS MATERIALIZED (SELECT bs, be, row_number() OVER (ORDER BY bs) AS i FROM (${buckets}) x WHERE be > bs),
              g AS (SELECT key, width_bucket(ts, (SELECT array_agg(bs ORDER BY bs) FROM b)) AS i, ${expr} AS v, count(*) AS n
                    FROM ts_kv WHERE entity_idx = $1 AND key = ANY($2::int[]) AND ts >= $4::bigint AND ts < $5::bigint
                    GROUP BY key, i)
         ${select}`,
        p,
      );
    // Buckets made of whole UTC hours: an hour lying inside one bucket and inside [startTs, endTs), before the
    // rollup's watermark, with a rollup row and not dirty is read from ts_kv_rollup_hour; the gaps between
    // those hours (per key: before the first, between two, after the last; the whole range for a key without
    // any) from ts_kv. Both give count, numeric count, sum, min, max per key and bucket, combined
    // (AVG = sum / count). Hours the job left out (too few points) are read raw like any other. The work is
    // in proportion to the rollup rows read, not to keys × hours of the range (a 3-year range of 100 keys
    // listed 2.6 million hours: seconds for an empty device). OFFSET 0 keeps the raw part one index range
    // scan per gap (not a join over the whole range).
    p.push(entityId);
    const v = { AVG: 'sum(s) / NULLIF(sum(nn), 0)', MIN: 'min(mn)', MAX: 'max(mx)', SUM: 'sum(s)', COUNT: 'sum(n)' }[agg];
    // JIT off: the planner's estimate of the per-range scans is far above what they read (a few hours),
    // and compiling the plan costs more than running it (measured: 1.5 s of JIT for a 5 ms query).
    return this.db.tx(async (q) => {
      await q.query('SET LOCAL jit = off');
      return q.query<{ key: string; ts: string; v: number | string | null }>(
      `WITH b AS MATERIALIZED (SELECT bs, be, row_number() OVER (ORDER BY bs) AS i FROM (${buckets}) x WHERE be > bs),
            a AS MATERIALIZED (SELECT array_agg(bs ORDER BY bs) AS a FROM b),
            w AS MATERIALIZED (SELECT COALESCE(pending_from, watermark, 0) AS w FROM ts_kv_rollup_state WHERE id = 1),
            r AS MATERIALIZED (
              SELECT r.key, r.hour AS hr, width_bucket(r.hour, a.a) AS i, r.cnt, r.num_cnt, r.sum_v, r.min_v, r.max_v
              FROM ts_kv_rollup_hour r, a, w
              WHERE r.entity_id = $8::uuid AND r.key = ANY($2::int[]) AND r.hour >= $4::bigint AND r.hour + ${HOUR} <= LEAST($5::bigint, w.w)
                AND width_bucket(r.hour, a.a) = width_bucket(r.hour + ${HOUR - 1}, a.a)
                AND NOT EXISTS (SELECT 1 FROM ts_kv_rollup_dirty d WHERE d.entity_id = $8::uuid AND d.key = r.key AND d.hour = r.hour)),
            u AS MATERIALIZED (
              SELECT key, lo, hi FROM (
                SELECT key, lag(hr + ${HOUR}, 1, $4::bigint) OVER (PARTITION BY key ORDER BY hr) AS lo, hr AS hi FROM r
                UNION ALL
                SELECT k.id, COALESCE(m.hi, $4::bigint), $5::bigint
                FROM unnest($2::int[]) AS k(id) LEFT JOIN (SELECT key, max(hr) + ${HOUR} AS hi FROM r GROUP BY key) m ON m.key = k.id
              ) x WHERE hi > lo),
            g AS (SELECT key, i, ${v} AS v, sum(n) AS n FROM (
                    SELECT key, i, cnt AS n, num_cnt AS nn, sum_v AS s, min_v AS mn, max_v AS mx FROM r
                    UNION ALL
                    SELECT u.key, width_bucket(t.ts, a.a), count(*), count(t.num), sum(t.num), min(t.num), max(t.num)
                    FROM u CROSS JOIN LATERAL (
                      SELECT ts, ${num} AS num FROM ts_kv
                      WHERE entity_idx = $1 AND key = u.key AND ts >= u.lo AND ts < u.hi
                      OFFSET 0) t, a
                    GROUP BY 1, 2) x
                  GROUP BY key, i)
       ${select}`,
        p,
      );
    });
  }

  attributes(entityId: string, scope: AttributeScope | null, keys: string[] | null): Promise<StoredAttr[]> {
    return this.db.query<StoredAttr>(
      `SELECT key, scope, last_update_ts, ${COLS.join(', ')} FROM attribute_kv
       WHERE entity_id = $1 AND ($2::text IS NULL OR scope = $2) AND ($3::text[] IS NULL OR key = ANY($3)) ORDER BY key`,
      [entityId, scope, keys],
    );
  }

  /** Deletes a device's history (every partition: the PK's first column is entity_idx). Its dictionary id stays (ids never change). */
  async deleteHistory(entityId: string): Promise<void> {
    const idx = await this.entities.idOf(entityId);
    if (idx !== undefined) await this.db.query('DELETE FROM ts_kv WHERE entity_idx = $1', [idx]);
    await this.db.query('DELETE FROM ts_kv_rollup_hour WHERE entity_id = $1', [entityId]);
    await this.db.query('DELETE FROM ts_kv_rollup_dirty WHERE entity_id = $1', [entityId]);
  }
}
