import type { Db } from '../../database/db.js';
import { defaultPartition, listPartitions } from '../../database/partitions.js';
import { movingOldTsKv } from './ts-kv-migration.js';

export const HOUR = 3_600_000;
/** An hour is rolled up once it ended this long ago (points still arriving for it are written fresh, below). */
export const ROLLUP_MARGIN_MS = 15 * 60_000;
/**
 * A write batch whose oldest point is older than this (by the writer's clock) also marks the hours it
 * touches below the watermark dirty. Fresh batches skip that part of the statement: the watermark is at
 * most now − ROLLUP_MARGIN_MS, so this leaves 10 minutes for clock skew between nodes and a batch's queueing.
 */
export const LATE_AFTER_MS = 5 * 60_000;
/**
 * Hours with fewer points than this get no rollup row (readers take them raw): a row costs about what
 * a few points do, so sparse series (a point every 10 minutes or rarer) would double in size for nothing.
 */
export const ROLLUP_MIN_POINTS = 6;
/** hours rolled up per statement while catching up */
const CHUNK_HOURS = 24;
/** dirty (device, key, hour) rows recomputed per transaction */
const DIRTY_BATCH = 1000;

const NUM = 'COALESCE(long_v::float8, dbl_v)';
const AGGS = `count(*) AS cnt, count(${NUM}) AS num_cnt, sum(${NUM}) AS sum_v, min(${NUM}) AS min_v, max(${NUM}) AS max_v`;
const SET =
  'cnt = EXCLUDED.cnt, num_cnt = EXCLUDED.num_cnt, sum_v = EXCLUDED.sum_v, min_v = EXCLUDED.min_v, max_v = EXCLUDED.max_v';

export interface RollupRun {
  /** hours rolled up in this run */
  hours: number;
  /** dirty (device, key, hour) rows recomputed */
  recomputed: number;
  watermark: number | null;
}

/**
 * The CTE of the write statement that marks late points' hours dirty (see TelemetryRepository.saveBatch):
 * `FOR SHARE` on the state row makes the job's watermark move wait for this statement's commit, so a point
 * is either seen by the job's next snapshot or marked dirty here.
 */
export function markDirtySql(entities: string, keys: string, tss: string): string {
  return `INSERT INTO ts_kv_rollup_dirty (entity_id, key, hour)
      SELECT DISTINCT x.e, x.k, x.t - x.t % ${HOUR} FROM unnest(${entities}, ${keys}, ${tss}) AS x(e, k, t),
        (SELECT watermark FROM ts_kv_rollup_state WHERE id = 1 FOR SHARE) s
      WHERE x.t < s.watermark ORDER BY 1, 2, 3
      ON CONFLICT (entity_id, key, hour) DO UPDATE SET hour = EXCLUDED.hour RETURNING 1`;
}

/** The oldest point of the table (default partition, then range partitions oldest first; each read once). */
async function oldestTs(db: Db): Promise<number | null> {
  const min = async (table: string) => {
    const [r] = await db.query<{ m: string | null }>(`SELECT min(ts) AS m FROM ${table}`);
    return r?.m == null ? null : Number(r.m);
  };
  const dflt = await defaultPartition(db, 'ts_kv');
  let best = dflt ? await min(dflt.name) : null;
  for (const p of await listPartitions(db, 'ts_kv')) {
    if (best !== null && p.from >= best) break;
    const m = await min(p.name);
    if (m !== null) {
      best = best === null ? m : Math.min(best, m);
      break;
    }
  }
  return best;
}

/**
 * Rolls up every point of [from, to) (whole hours) from ts_kv, replacing the rows of those hours. The rollup
 * keeps device uuids (ts_kv has the entity dictionary's ids): one join per chunk with the small dictionary.
 */
async function rollRange(db: Db, from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO ts_kv_rollup_hour (hour, entity_id, key, cnt, num_cnt, sum_v, min_v, max_v)
     SELECT g.hour, e.entity_id, g.key, g.cnt, g.num_cnt, g.sum_v, g.min_v, g.max_v
     FROM (SELECT ts - ts % ${HOUR} AS hour, entity_idx, key, ${AGGS} FROM ts_kv WHERE ts >= $1 AND ts < $2
           GROUP BY 1, 2, 3 HAVING count(*) >= ${ROLLUP_MIN_POINTS}) g
     JOIN ts_kv_entity e ON e.entity_idx = g.entity_idx
     ON CONFLICT (entity_id, key, hour) DO UPDATE SET ${SET}`,
    [from, to],
  );
}

/**
 * One run of the rollup job (call it once per cluster): finishes a range a crashed run left pending,
 * rolls up the closed hours from the watermark to now − ROLLUP_MARGIN_MS (CHUNK_HOURS per step), then
 * recomputes the dirty hours. Waits while an old installation's ts_kv is still being moved (ts_kv_old, ts_kv_uuid).
 */
export async function rollupOnce(db: Db, now = Date.now()): Promise<RollupRun> {
  const run: RollupRun = { hours: 0, recomputed: 0, watermark: null };
  if (await movingOldTsKv(db)) return run;
  const target = Math.floor((now - ROLLUP_MARGIN_MS) / HOUR) * HOUR;
  const [st] = await db.query<{ watermark: string | null; pending_from: string | null }>(
    'SELECT watermark, pending_from FROM ts_kv_rollup_state WHERE id = 1',
  );
  if (st?.pending_from != null) {
    await rollRange(db, Number(st.pending_from), Number(st.watermark));
    await db.query('UPDATE ts_kv_rollup_state SET pending_from = NULL WHERE id = 1');
  }
  let w = st?.watermark != null ? Number(st.watermark) : null;
  if (w === null) {
    const first = await oldestTs(db);
    w = Math.min(target, first === null ? target : Math.floor(first / HOUR) * HOUR);
    await db.query('UPDATE ts_kv_rollup_state SET watermark = $1 WHERE id = 1', [w]);
  }
  while (w < target) {
    const next = Math.min(target, w + CHUNK_HOURS * HOUR);
    // Moving the watermark waits for writers that read the old one (FOR SHARE): after this commit every
    // point of [w, next) is either committed (seen by rollRange's snapshot) or marked dirty by its writer.
    await db.query('UPDATE ts_kv_rollup_state SET watermark = $1, pending_from = $2 WHERE id = 1', [next, w]);
    await rollRange(db, w, next);
    await db.query('UPDATE ts_kv_rollup_state SET pending_from = NULL WHERE id = 1');
    run.hours += (next - w) / HOUR;
    w = next;
  }
  run.watermark = w;
  for (;;) {
    const n = await db.tx(async (q) => {
      // Taking the rows out waits for writers marking them (row lock, key order as theirs); the recompute is
      // a later statement, so its snapshot sees those writers' points. A crash rolls both back.
      const d = await q.query<{ entity_id: string; key: number; hour: string }>(
        `WITH d AS (SELECT entity_id, key, hour FROM ts_kv_rollup_dirty ORDER BY 1, 2, 3 LIMIT ${DIRTY_BATCH} FOR UPDATE)
         DELETE FROM ts_kv_rollup_dirty x USING d WHERE x.entity_id = d.entity_id AND x.key = d.key AND x.hour = d.hour
         RETURNING x.entity_id, x.key, x.hour`,
      );
      if (!d.length) return 0;
      const p = [d.map((r) => r.entity_id), d.map((r) => r.key), d.map((r) => r.hour)];
      await q.query(
        `DELETE FROM ts_kv_rollup_hour r USING unnest($1::uuid[], $2::int[], $3::bigint[]) AS d(e, k, h)
         WHERE r.entity_id = d.e AND r.key = d.k AND r.hour = d.h`,
        p,
      );
      await q.query(
        `INSERT INTO ts_kv_rollup_hour (hour, entity_id, key, cnt, num_cnt, sum_v, min_v, max_v)
         SELECT d.h, d.e, d.k, a.cnt, a.num_cnt, a.sum_v, a.min_v, a.max_v
         FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS d(e, k, h)
         CROSS JOIN LATERAL (SELECT ${AGGS} FROM ts_kv
           WHERE entity_idx = (SELECT entity_idx FROM ts_kv_entity WHERE entity_id = d.e) AND key = d.k AND ts >= d.h AND ts < d.h + ${HOUR}) a
         WHERE a.cnt >= ${ROLLUP_MIN_POINTS}`,
        p,
      );
      return d.length;
    });
    run.recomputed += n;
    if (n < DIRTY_BATCH) break;
  }
  return run;
}

/** Whole-hour UTC offset of `timeZone` at `ts` (false for zones like Asia/Kolkata, or an unknown zone). */
export function wholeHourOffset(timeZone: string, ts: number): boolean {
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ts))
      .find((p) => p.type === 'timeZoneName')?.value;
    return name !== undefined && /^GMT(?:[+-]\d{2}:00)?$/.test(name);
  } catch {
    return false;
  }
}
