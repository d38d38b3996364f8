import type { Aggregation, AttributeScope } from '@bridgeboard/contracts';
import type { Db, Queryable } from '../../database/db.js';
import type { Typed, TypedRow } from './telemetry.values.js';

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
 * Rows in primary-key order. Two batches that upsert the same rows (two integrations on one topic,
 * several nodes) lock them in the order they are written; in one shared order neither can hold a row
 * the other already waits for, so they queue instead of deadlocking.
 */
export function byKey<T extends { entityId: string; key: string; scope?: string; ts?: number }>(rows: T[]): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort(
    (a, b) =>
      cmp(a.entityId, b.entityId) || cmp(a.scope ?? '', b.scope ?? '') || cmp(a.key, b.key) || (a.ts ?? 0) - (b.ts ?? 0),
  );
}

/**
 * Time series and attributes of devices. Tenant checks happen before these calls (the device
 * is looked up in the caller's tenant); rows are keyed by device id only.
 */
export class TelemetryRepository {
  constructor(private readonly db: Db) {}

  /**
   * Writes history, latest values and attributes in ONE statement (data-modifying CTEs), so a
   * batch costs one round trip and commits atomically. Callers pass rows deduplicated on each
   * primary key (ON CONFLICT cannot touch a row twice in one statement); rows are written in key
   * order (byKey) and the tables always in the same order, so concurrent batches never deadlock.
   * Returns the latest values that moved (latest only moves forward in time) and attributes written.
   */
  async saveBatch(tsRows: TsRow[], latestRows: TsRow[], attrRows: AttrRow[], q: Queryable = this.db): Promise<{ latest: LatestChange[] }> {
    const [ts, latest, attrs] = [byKey(tsRows), byKey(latestRows), byKey(attrRows)];
    const p: unknown[] = [];
    const arr = (v: unknown[], t: string) => {
      p.push(v);
      return `$${p.length}::${t}[]`;
    };
    const typed = (rows: Typed[]) => COLS.map((c, i) => arr(rows.map((r) => r[c]), TYPES[i]!)).join(', ');
    const tsSql = `INSERT INTO ts_kv (entity_id, key, ts, ${COLS.join(', ')})
      SELECT * FROM unnest(${arr(ts.map((r) => r.entityId), 'uuid')}, ${arr(ts.map((r) => r.key), 'text')}, ${arr(ts.map((r) => r.ts), 'bigint')}, ${typed(ts)})
      ON CONFLICT (entity_id, key, ts) DO UPDATE SET ${SET} RETURNING 1`;
    const latestSql = `INSERT INTO ts_kv_latest (entity_id, key, ts, ${COLS.join(', ')})
      SELECT * FROM unnest(${arr(latest.map((r) => r.entityId), 'uuid')}, ${arr(latest.map((r) => r.key), 'text')}, ${arr(latest.map((r) => r.ts), 'bigint')}, ${typed(latest)})
      ON CONFLICT (entity_id, key) DO UPDATE SET ts = EXCLUDED.ts, ${SET} WHERE ts_kv_latest.ts <= EXCLUDED.ts
      RETURNING entity_id, key, ts`;
    const attrSql = `INSERT INTO attribute_kv (entity_id, scope, key, last_update_ts, ${COLS.join(', ')})
      SELECT * FROM unnest(${arr(attrs.map((r) => r.entityId), 'uuid')}, ${arr(attrs.map((r) => r.scope), 'text')}, ${arr(attrs.map((r) => r.key), 'text')}, ${arr(attrs.map((r) => r.ts), 'bigint')}, ${typed(attrs)})
      ON CONFLICT (entity_id, scope, key) DO UPDATE SET last_update_ts = EXCLUDED.last_update_ts, ${SET} RETURNING 1`;
    const rows = await q.query<LatestChange>(
      `WITH h AS (${tsSql}), a AS (${attrSql}), l AS (${latestSql})
       SELECT entity_id, key, ts FROM l`,
      p,
    );
    return { latest: rows };
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
  history(entityId: string, keys: string[], startTs: number, endTs: number, limit: number, order: 'ASC' | 'DESC'): Promise<StoredTs[]> {
    return this.db.query<StoredTs>(
      `SELECT k.key, t.ts, ${COLS.map((c) => `t.${c}`).join(', ')}
       FROM unnest($2::text[]) AS k(key)
       CROSS JOIN LATERAL (
         SELECT ts, ${COLS.join(', ')} FROM ts_kv
         WHERE entity_id = $1 AND key = k.key AND ts >= $3 AND ts < $4
         ORDER BY ts ${order} LIMIT $5) t`,
      [entityId, keys, startTs, endTs, limit],
    );
  }

  /** Aggregates each key per interval; ts of a bucket is its middle (as ThingsBoard). */
  aggregate(
    entityId: string,
    keys: string[],
    startTs: number,
    endTs: number,
    interval: number,
    agg: Exclude<Aggregation, 'NONE'>,
    limit: number,
    order: 'ASC' | 'DESC',
  ): Promise<{ key: string; ts: string; v: number | string | null }[]> {
    const num = 'COALESCE(long_v::float8, dbl_v)';
    const expr = { AVG: `avg(${num})`, MIN: `min(${num})`, MAX: `max(${num})`, SUM: `sum(${num})`, COUNT: 'count(*)' }[agg];
    return this.db.query(
      `SELECT key, ts, v FROM (
         SELECT key, b, $3::bigint + b * $5::bigint + LEAST($5::bigint, $4::bigint - $3::bigint - b * $5::bigint) / 2 AS ts, v,
                row_number() OVER (PARTITION BY key ORDER BY b ${order}) AS rn
         FROM (SELECT key, (ts - $3::bigint) / $5::bigint AS b, ${expr} AS v FROM ts_kv
               WHERE entity_id = $1 AND key = ANY($2::text[]) AND ts >= $3 AND ts < $4
               GROUP BY key, b) g
       ) x WHERE rn <= $6 AND v IS NOT NULL ORDER BY key, ts ${order}`,
      [entityId, keys, startTs, endTs, interval, limit],
    );
  }

  attributes(entityId: string, scope: AttributeScope | null, keys: string[] | null): Promise<StoredAttr[]> {
    return this.db.query<StoredAttr>(
      `SELECT key, scope, last_update_ts, ${COLS.join(', ')} FROM attribute_kv
       WHERE entity_id = $1 AND ($2::text IS NULL OR scope = $2) AND ($3::text[] IS NULL OR key = ANY($3)) ORDER BY key`,
      [entityId, scope, keys],
    );
  }

  async deleteHistory(entityId: string): Promise<void> {
    await this.db.query('DELETE FROM ts_kv WHERE entity_id = $1', [entityId]);
  }
}
