/**
 * The storage benchmark of issue 18 (a command, not a test; `pnpm bench --storage [--points N]` runs it).
 * Loads the same generated points into the layout before issue 18 (one ts_kv, text keys) and the
 * partitioned one (the real migration's DDL, key ids from ts_kv_dictionary, monthly partitions) in one
 * fresh database, side by side, then reports bytes per point including indexes and the p50/p99 of the
 * reads (after the upkeep packed the indexes of closed partitions): latest values of one device, one day raw, 30 days hourly AVG, one year daily AVG, and a
 * 1,000-device dashboard's latest values. The partitioned layout is read through the platform's own
 * TelemetryRepository; the old one with the SQL the repository had before (kept below).
 *
 * Data: a probe device with one year of 1-minute points (3 keys, 1,576,800 points), and a fleet of
 * `--devices` devices × 3 keys over the last 30 days, spaced so that the total is `--points`. Rows are
 * generated in Postgres (INSERT … SELECT generate_series), one statement per day and layout, in time
 * order within the day (as ingest writes them).
 *
 *   cd apps/server && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --no-node-snapshot --import ../../scripts/source-register.mjs src/modules/telemetry/bench/storage.ts --points 10000000
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../../../database/db.js';
import { ensurePartitions, packClosedPartitionIndexes, partitionRange } from '../../../database/partitions.js';
import { TsKvPartitioned1765800000000 } from '../../../database/migrations/1765800000000-ts-kv-partitioned.js';
import { TsKvRollup1765850000000 } from '../../../database/migrations/1765850000000-ts-kv-rollup.js';
import { TelemetryRepository } from '../telemetry.repository.js';
import { rollupOnce } from '../ts-kv-rollup.js';

const { values: a } = parseArgs({
  options: {
    points: { type: 'string', default: '100000000' },
    devices: { type: 'string', default: '10000' },
    iterations: { type: 'string', default: '30' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const POINTS = Number(a.points);
const DEVICES = Number(a.devices);
const ITER = Number(a.iterations);
if (!Number.isInteger(POINTS) || POINTS < 2_000_000) throw new Error(`--points must be a whole number ≥ 2,000,000 (the probe device alone has 1,576,800), not ${a.points}`);
if (!Number.isInteger(DEVICES) || DEVICES < 1000) throw new Error(`--devices must be ≥ 1000 (the dashboard reads 1,000), not ${a.devices}`);
const admin = a['database-url'] ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const MIN = 60_000;
const DAY = 86_400_000;
const KEYS = ['temperature', 'humidity', 'pressure'];
const NOW = Math.floor(Date.now() / DAY) * DAY; // today 00:00Z
const YEAR_START = NOW - 365 * DAY;
const FLEET_START = NOW - 30 * DAY;
const PROBE_POINTS = 365 * 1440 * KEYS.length;
const FLEET_SERIES = DEVICES * KEYS.length;
/** fleet spacing (whole seconds) so that probe + fleet ≈ POINTS */
const STEP = Math.max(1000, Math.round((30 * DAY * FLEET_SERIES) / (POINTS - PROBE_POINTS) / 1000) * 1000);
const log = (m: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

// The SQL of TelemetryRepository before issue 18 (0b3f2b5), for the old layout.
const COLS = 'bool_v, long_v, dbl_v, str_v, json_v';
const OLD_HISTORY = `SELECT k.key, t.ts, t.bool_v, t.long_v, t.dbl_v, t.str_v, t.json_v
  FROM unnest($2::text[]) AS k(key)
  CROSS JOIN LATERAL (SELECT ts, ${COLS} FROM ts_kv WHERE entity_id = $1 AND key = k.key AND ts >= $3 AND ts < $4 ORDER BY ts DESC LIMIT $5) t`;
const OLD_AVG = `SELECT key, ts, v FROM (
    SELECT key, b, $3::bigint + b * $5::bigint + LEAST($5::bigint, $4::bigint - $3::bigint - b * $5::bigint) / 2 AS ts, v,
           row_number() OVER (PARTITION BY key ORDER BY b ASC) AS rn
    FROM (SELECT key, (ts - $3::bigint) / $5::bigint AS b, avg(COALESCE(long_v::float8, dbl_v)) AS v FROM ts_kv
          WHERE entity_id = $1 AND key = ANY($2::text[]) AND ts >= $3 AND ts < $4 GROUP BY key, b) g
  ) x WHERE rn <= $6 AND v IS NOT NULL ORDER BY key, ts ASC`;
const LATEST = `SELECT key, ts, ${COLS} FROM ts_kv_latest WHERE entity_id = $1 ORDER BY key`;
const DASHBOARD = `SELECT entity_id, key, ts, ${COLS} FROM ts_kv_latest WHERE entity_id = ANY($1::uuid[])`;
const OLD_TABLES = `
  CREATE TABLE ts_kv (entity_id uuid NOT NULL, key text NOT NULL, ts bigint NOT NULL, bool_v boolean, long_v bigint,
    dbl_v double precision, str_v text, json_v jsonb, PRIMARY KEY (entity_id, key, ts));
  CREATE TABLE ts_kv_latest (entity_id uuid NOT NULL, key text NOT NULL, ts bigint NOT NULL, bool_v boolean, long_v bigint,
    dbl_v double precision, str_v text, json_v jsonb, PRIMARY KEY (entity_id, key));`;

const device = (d: string) => `md5('device-' || ${d})::uuid`;
const PROBE = `md5('device-probe')::uuid`;

function pool(url: string, schema: string): pg.Pool {
  const p = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  p.on('error', () => undefined); // the database is dropped at the end
  return p;
}

async function timeIt(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((x, y) => x - y);
  const q = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]! * 10) / 10;
  return { p50: q(0.5), p99: q(0.99) };
}

const name = `bb_bench_storage_${randomBytes(4).toString('hex')}`;
const c0 = new pg.Client({ connectionString: admin });
await c0.connect();
await c0.query(`CREATE DATABASE ${name}`);
const u = new URL(admin);
u.pathname = `/${name}`;
const url = u.toString();
log(`database ${name}; ${POINTS.toLocaleString('en')} points wanted: probe 1 year × 1 min × 3 keys, fleet ${DEVICES} devices × 3 keys × 30 days every ${STEP / 1000} s`);

const oldPool = pool(url, 'old');
const newPool = pool(url, 'new');
const asDb = (p: pg.Pool) =>
  ({
    query: async (sql: string, params?: unknown[]) => (await p.query(sql, params)).rows,
    tx: async <T>(fn: (q: Pick<Db, 'query'>) => Promise<T>): Promise<T> => {
      const c = await p.connect();
      try {
        await c.query('BEGIN');
        const r = await fn({ query: (async (sql: string, params?: unknown[]) => (await c.query(sql, params)).rows) as Db['query'] });
        await c.query('COMMIT');
        return r;
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      } finally {
        c.release();
      }
    },
  }) as unknown as Db;
try {
  await oldPool.query('CREATE SCHEMA old; CREATE SCHEMA new');
  await oldPool.query(OLD_TABLES);
  // the new layout: exactly what the migration makes of an installation (then the empty old table goes)
  await newPool.query(`CREATE TABLE tenant (id uuid PRIMARY KEY); ${OLD_TABLES}`);
  await new TsKvPartitioned1765800000000().up({ query: (sql: string) => newPool.query(sql) } as never);
  await newPool.query('DROP TABLE ts_kv_old');
  const newDb = asDb(newPool);
  await ensurePartitions(newDb, 'ts_kv', 'MONTHS', YEAR_START, NOW + DAY);
  const ids = (await newPool.query<{ key_id: number }>(`INSERT INTO ts_kv_dictionary (key) SELECT unnest($1::text[]) RETURNING key_id`, [KEYS])).rows.map((r) => r.key_id);

  // one generator, two layouts: `$k` is the key's text (old) or its id (new)
  const gen = (keyType: 'text' | 'int', from: number, to: number) => {
    const cols = 'INSERT INTO ts_kv (entity_id, key, ts, dbl_v)';
    const probe = `SELECT ${PROBE}, k.k, t, ((t / ${MIN}) % 1440) / 100.0 + k.n
      FROM generate_series(${from}::bigint, ${to - 1}::bigint, ${MIN}) t CROSS JOIN LATERAL unnest($1::${keyType}[], ARRAY[0, 1, 2]) AS k(k, n)`;
    const f0 = Math.max(from, FLEET_START + Math.ceil(Math.max(0, from - FLEET_START) / STEP) * STEP);
    const fleet =
      to > FLEET_START
        ? ` UNION ALL SELECT ${device('d')}, k.k, t, (d % 100) + ((t / ${MIN}) % 1440) / 100.0
      FROM generate_series(${f0}::bigint, ${to - 1}::bigint, ${STEP}) t CROSS JOIN LATERAL generate_series(1, ${DEVICES}) d CROSS JOIN LATERAL unnest($1::${keyType}[]) AS k(k)`
        : '';
    return `${cols} ${probe}${fleet}`;
  };
  const loadMs = { old: 0, new: 0 };
  let rows = 0;
  for (let day = YEAR_START; day < NOW; day += DAY) {
    let t = Date.now();
    const r = await oldPool.query(gen('text', day, day + DAY), [KEYS]);
    loadMs.old += Date.now() - t;
    t = Date.now();
    await newPool.query(gen('int', day, day + DAY), [ids]);
    loadMs.new += Date.now() - t;
    rows += r.rowCount ?? 0;
    if (day >= FLEET_START || (day - YEAR_START) % (30 * DAY) === 0)
      log(`loaded ${rows.toLocaleString('en')} points per layout (${new Date(day).toISOString().slice(0, 10)})`);
  }
  for (const p of [oldPool, newPool])
    await p.query(
      `INSERT INTO ts_kv_latest (entity_id, key, ts, dbl_v) SELECT ${device('d')}, k, ${NOW - MIN}, d FROM generate_series(1, ${DEVICES}) d, unnest($1::text[]) k
       UNION ALL SELECT ${PROBE}, k, ${NOW - MIN}, 1 FROM unnest($1::text[]) k`,
      [KEYS],
    );
  log('VACUUM ANALYZE');
  await oldPool.query('VACUUM ANALYZE ts_kv');
  await newPool.query('VACUUM ANALYZE ts_kv');
  const size = async (p: pg.Pool, sql: string) => Number((await p.query<{ b: string }>(sql)).rows[0]!.b);
  const oldBytes = await size(oldPool, `SELECT pg_total_relation_size('ts_kv') AS b`);
  const newBytes = await size(newPool, `SELECT sum(pg_total_relation_size(relid)) AS b FROM pg_partition_tree('ts_kv')`);
  const oldIdx = await size(oldPool, `SELECT pg_indexes_size('ts_kv') AS b`);
  const newIdx = await size(newPool, `SELECT sum(pg_indexes_size(relid)) AS b FROM pg_partition_tree('ts_kv')`);
  // what the hourly upkeep does to partitions once closed (all but the current month here)
  log('packing the indexes of closed partitions (REINDEX CONCURRENTLY, fillfactor 100)');
  await packClosedPartitionIndexes(newDb, 'ts_kv', partitionRange('MONTHS', NOW).from);
  const packedBytes = await size(newPool, `SELECT sum(pg_total_relation_size(relid)) AS b FROM pg_partition_tree('ts_kv')`);
  const packedIdx = await size(newPool, `SELECT sum(pg_indexes_size(relid)) AS b FROM pg_partition_tree('ts_kv')`);
  // The hourly rollup as the job builds it (the real migration's DDL, monthly partitions), as of 30 minutes
  // after the last point: the last hour is still raw (the job leaves a margin), as it would be live.
  log('building the hourly rollup (the rollup job from an empty watermark)');
  await new TsKvRollup1765850000000().up({ query: (sql: string) => newPool.query(sql) } as never);
  await ensurePartitions(newDb, 'ts_kv_rollup_hour', 'MONTHS', YEAR_START, NOW + DAY);
  const t0 = Date.now();
  const rollupRun = await rollupOnce(newDb, NOW - 30 * MIN);
  const rollupSec = (Date.now() - t0) / 1000;
  await newPool.query('VACUUM ANALYZE ts_kv_rollup_hour');
  const rollupBytes = await size(newPool, `SELECT sum(pg_total_relation_size(relid)) AS b FROM pg_partition_tree('ts_kv_rollup_hour')`);
  const rollupRows = await size(newPool, 'SELECT count(*) AS b FROM ts_kv_rollup_hour');
  log(`rollup: ${rollupRun.hours} hours, ${rollupRows.toLocaleString('en')} rows, ${(rollupBytes / 1e6).toFixed(1)} MB in ${rollupSec} s`);

  const repo = new TelemetryRepository(newDb, { readRollup: false });
  const rolled = new TelemetryRepository(newDb);
  const [probe] = (await oldPool.query<{ id: string }>(`SELECT ${PROBE}::text AS id`)).rows.map((r) => r.id);
  const dash = (await oldPool.query<{ id: string }>(`SELECT ${device('d')}::text AS id FROM generate_series(1, 1000) d`)).rows.map((r) => r.id);
  const hourly = { intervalType: 'MILLISECONDS' as const, interval: 3_600_000, timeZone: 'UTC' };
  const daily = { intervalType: 'MILLISECONDS' as const, interval: DAY, timeZone: 'UTC' };
  const y0 = NOW - DAY;
  const m0 = NOW - 30 * DAY;
  const reads: [string, () => Promise<unknown>, () => Promise<unknown>, (() => Promise<unknown>)?][] = [
    ['latest values, one device', () => oldPool.query(LATEST, [probe]), () => repo.latest(probe!, null)],
    ['one day raw (3 keys, 4,320 points)', () => oldPool.query(OLD_HISTORY, [probe, KEYS, y0, NOW, 10_000]), () => repo.history(probe!, KEYS, y0, NOW, 10_000, 'DESC')],
    ['30 days hourly AVG, 1 key', () => oldPool.query(OLD_AVG, [probe, KEYS.slice(0, 1), m0, NOW, 3_600_000, 1000]), () => repo.aggregate(probe!, KEYS.slice(0, 1), m0, NOW, hourly, 'AVG', 1000, 'ASC'), () => rolled.aggregate(probe!, KEYS.slice(0, 1), m0, NOW, hourly, 'AVG', 1000, 'ASC')],
    ['30 days hourly AVG, 3 keys', () => oldPool.query(OLD_AVG, [probe, KEYS, m0, NOW, 3_600_000, 1000]), () => repo.aggregate(probe!, KEYS, m0, NOW, hourly, 'AVG', 1000, 'ASC'), () => rolled.aggregate(probe!, KEYS, m0, NOW, hourly, 'AVG', 1000, 'ASC')],
    ['1 year daily AVG, 1 key', () => oldPool.query(OLD_AVG, [probe, KEYS.slice(0, 1), YEAR_START, NOW, DAY, 1000]), () => repo.aggregate(probe!, KEYS.slice(0, 1), YEAR_START, NOW, daily, 'AVG', 1000, 'ASC'), () => rolled.aggregate(probe!, KEYS.slice(0, 1), YEAR_START, NOW, daily, 'AVG', 1000, 'ASC')],
    ['1 year daily AVG, 3 keys', () => oldPool.query(OLD_AVG, [probe, KEYS, YEAR_START, NOW, DAY, 1000]), () => repo.aggregate(probe!, KEYS, YEAR_START, NOW, daily, 'AVG', 1000, 'ASC'), () => rolled.aggregate(probe!, KEYS, YEAR_START, NOW, daily, 'AVG', 1000, 'ASC')],
    ['dashboard: latest of 1,000 devices', () => oldPool.query(DASHBOARD, [dash]), () => newPool.query(DASHBOARD, [dash])],
  ];
  type P = { p50: number; p99: number };
  const results: { read: string; old: P; new: P; rollup?: P }[] = [];
  for (const [read, o, n, r] of reads) {
    const ro = await timeIt(ITER, o);
    const rn = await timeIt(ITER, n);
    const rr = r && (await timeIt(ITER, r));
    results.push({ read, old: ro, new: rn, ...(rr ? { rollup: rr } : {}) });
    log(
      `${read}: old p50 ${ro.p50} ms p99 ${ro.p99} ms | partitioned p50 ${rn.p50} ms p99 ${rn.p99} ms` +
        (rr ? ` | with rollup p50 ${rr.p50} ms p99 ${rr.p99} ms` : ''),
    );
  }
  // the same answers from both layouts, or the comparison means nothing
  const check = async () => {
    const o = (await oldPool.query<{ v: number }>(OLD_AVG, [probe, KEYS.slice(0, 1), YEAR_START, NOW, DAY, 1000])).rows.map((r) => Number(r.v).toFixed(6));
    const n = (await repo.aggregate(probe!, KEYS.slice(0, 1), YEAR_START, NOW, daily, 'AVG', 1000, 'ASC')).map((r) => Number(r.v).toFixed(6));
    const r = (await rolled.aggregate(probe!, KEYS.slice(0, 1), YEAR_START, NOW, daily, 'AVG', 1000, 'ASC')).map((x) => Number(x.v).toFixed(6));
    return o.length === 365 && JSON.stringify(o) === JSON.stringify(n) && JSON.stringify(o) === JSON.stringify(r);
  };
  const same = await check();
  const report = {
    at: new Date().toISOString(),
    points: rows,
    devices: DEVICES,
    fleetStepSec: STEP / 1000,
    iterations: ITER,
    load: { oldSec: loadMs.old / 1000, newSec: loadMs.new / 1000, oldPointsPerSec: Math.round(rows / (loadMs.old / 1000)), newPointsPerSec: Math.round(rows / (loadMs.new / 1000)) },
    bytes: {
      old: oldBytes,
      new: newBytes,
      oldIndexes: oldIdx,
      newIndexes: newIdx,
      oldPerPoint: +(oldBytes / rows).toFixed(1),
      newPerPoint: +(newBytes / rows).toFixed(1),
      ratio: +(newBytes / oldBytes).toFixed(3),
      newPacked: packedBytes,
      newPackedIndexes: packedIdx,
      newPackedPerPoint: +(packedBytes / rows).toFixed(1),
      packedRatio: +(packedBytes / oldBytes).toFixed(3),
      rollup: rollupBytes,
      rollupRows,
      newPackedWithRollupPerPoint: +((packedBytes + rollupBytes) / rows).toFixed(1),
      packedWithRollupRatio: +((packedBytes + rollupBytes) / oldBytes).toFixed(3),
    },
    rollupBuild: { sec: rollupSec, hours: rollupRun.hours, rowsPerSec: Math.round(rows / rollupSec) },
    sameYearlyAverages: same,
    reads: results,
  };
  process.stdout.write(`\n${JSON.stringify(report, null, 2)}\n`);
  const out = a.out ?? path.resolve(import.meta.dirname, '../../../../../../bench/results', `storage-${report.at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  log(`written ${out}`);
} finally {
  await oldPool.end();
  await newPool.end();
  if (!a.keep) await c0.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c0.end();
}
