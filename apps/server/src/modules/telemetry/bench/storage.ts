/**
 * The storage benchmark of issue 18 (a command, not a test; `pnpm bench --storage [--points N]` runs it).
 * Loads the same generated points into the layout before issue 18 (one ts_kv, text keys) and today's
 * (the real migrations' DDL: monthly partitions, key ids from ts_kv_dictionary, device ids from
 * ts_kv_entity) in one fresh database, side by side, then reports bytes per point including indexes and the p50/p99 of the
 * reads (after the upkeep packed the indexes of closed partitions): latest values of one device, one day raw, 30 days hourly AVG, one year daily AVG, and a
 * 1,000-device dashboard's latest values. The partitioned layout is read through the platform's own
 * TelemetryRepository; the old one with the SQL the repository had before (kept below).
 *
 * Data: a probe device with one year of 1-minute points (3 keys, 1,576,800 points), and a fleet of
 * `--devices` devices × 3 keys over the last 30 days, spaced so that the total is `--points`. Rows are
 * loaded with COPY … FROM PROGRAM: an awk program on the database server writes each day's rows as COPY
 * text, in time order within the day (as ingest writes them), one COPY per day and layout; the indexes are
 * kept during the load, as live ingest has them. FROM PROGRAM needs a superuser (or
 * pg_execute_server_program) and awk on the database server; the old layout's device uuids reach awk
 * through a file the server writes (COPY … TO) in its temp directory.
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
import { TsKvEntityDictionary1766200000000 } from '../../../database/migrations/1766200000000-ts-kv-entity-dictionary.js';
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
/** the old layout's device uuids for the generator, written by the server (removed at the end, whatever happens) */
let uuidFile: string | null = null;
try {
  await oldPool.query('CREATE SCHEMA old; CREATE SCHEMA new');
  await oldPool.query(OLD_TABLES);
  // Unlogged (both layouts): the load writes no WAL, which would be most of its time; a table's pages and
  // their bytes are the same logged or not.
  await oldPool.query('ALTER TABLE ts_kv SET UNLOGGED');
  // the new layout: exactly what the migration makes of an installation (then the empty old table goes)
  await newPool.query(`CREATE TABLE tenant (id uuid PRIMARY KEY); ${OLD_TABLES}`);
  const runner = { query: async (sql: string) => (await newPool.query(sql)).rows } as never;
  await new TsKvPartitioned1765800000000().up(runner);
  await new TsKvEntityDictionary1766200000000().up(runner);
  await newPool.query('DROP TABLE ts_kv_old');
  const newDb = asDb(newPool);
  await ensurePartitions(newDb, 'ts_kv', 'MONTHS', YEAR_START, NOW + DAY);
  for (const { relid } of (await newPool.query<{ relid: string }>(`SELECT relid::text FROM pg_partition_tree('ts_kv') WHERE isleaf`)).rows)
    await newPool.query(`ALTER TABLE ${relid} SET UNLOGGED`);
  const ids = (await newPool.query<{ key_id: number }>(`INSERT INTO ts_kv_dictionary (key) SELECT unnest($1::text[]) RETURNING key_id`, [KEYS])).rows.map((r) => r.key_id);

  // Today's layout numbers the fleet's devices 1..DEVICES and the probe DEVICES + 1 (ts_kv_entity), as if they
  // had first written in that order; the old layout has their uuids.
  await newPool.query(
    `INSERT INTO ts_kv_entity (entity_id, entity_idx) SELECT ${device('d')}, d FROM generate_series(1, ${DEVICES}) d UNION ALL SELECT ${PROBE}, ${DEVICES + 1};
     SELECT setval(pg_get_serial_sequence('ts_kv_entity', 'entity_idx'), ${DEVICES + 1})`,
  );
  const [{ dir }] = (await oldPool.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`)).rows as [{ dir: string }];
  uuidFile = `${dir}/${name}_devices.tsv`;
  await oldPool.query(`COPY (SELECT d, ${device('d')} FROM generate_series(1, ${DEVICES}) d) TO '${uuidFile}'`);
  const probeUuid = (await oldPool.query<{ u: string }>(`SELECT ${PROBE}::text AS u`)).rows[0]!.u;

  // One generator, two layouts: a day's rows as COPY text (device, key, ts, dbl_v). Values are whole
  // hundredths written as decimals, so both layouts parse the same doubles.
  const awk = `BEGIN {
    if (map != "") while ((getline line < map) > 0) { split(line, f, "\\t"); u[f[1]] = f[2] }
    nk = split(keys, K, ",")
    for (t = from; t < to; t += ${MIN}) { m = int(t / ${MIN}) % 1440
      for (n = 0; n < nk; n++) printf "%s\\t%s\\t%.0f\\t%d.%02d\\n", probe, K[n + 1], t, int(m / 100) + n, m % 100 }
    for (t = f0; t < to; t += step) { m = int(t / ${MIN}) % 1440
      for (d = 1; d <= devices; d++) { id = map != "" ? u[d] : d
        for (n = 1; n <= nk; n++) printf "%s\\t%s\\t%.0f\\t%d.%02d\\n", id, K[n], t, d % 100 + int(m / 100), m % 100 } }
  }`;
  const copy = (layout: 'old' | 'new', from: number, to: number) => {
    const f0 = to > FLEET_START ? Math.max(from, FLEET_START + Math.ceil(Math.max(0, from - FLEET_START) / STEP) * STEP) : to;
    const v = { from, to, f0, step: STEP, devices: DEVICES, keys: (layout === 'old' ? KEYS : ids).join(','), map: layout === 'old' ? uuidFile : '', probe: layout === 'old' ? probeUuid : DEVICES + 1 };
    const cmd = `awk ${Object.entries(v).map(([k, x]) => `-v ${k}=${String(x)}`).join(' ')} '${awk}'`;
    const cols = layout === 'old' ? 'entity_id, key, ts, dbl_v' : 'entity_idx, key, ts, dbl_v';
    return `COPY ts_kv (${cols}) FROM PROGRAM '${cmd.replaceAll("'", "''")}'`;
  };
  // The two layouts load at the same time (one connection each); each one's time is its own COPYs' wall time.
  const loadMs = { old: 0, new: 0, wall: 0 };
  let rows = 0;
  const timed = async (layout: 'old' | 'new', day: number, end: number) => {
    const t = Date.now();
    const r = await (layout === 'old' ? oldPool : newPool).query(copy(layout, day, end));
    loadMs[layout] += Date.now() - t;
    return r;
  };
  const wall0 = Date.now();
  // the probe-only days 30 at a time (a COPY costs a program start), the fleet's one at a time
  for (let day = YEAR_START, end = 0; day < NOW; day = end) {
    end = day < FLEET_START ? Math.min(day + 30 * DAY, FLEET_START) : day + DAY;
    const [r, rn] = await Promise.all([timed('old', day, end), timed('new', day, end)]);
    if (r.rowCount !== rn.rowCount) throw new Error(`the layouts got ${r.rowCount} and ${rn.rowCount} rows for ${new Date(day).toISOString().slice(0, 10)}`);
    rows += r.rowCount ?? 0;
    log(`loaded ${rows.toLocaleString('en')} points per layout (${new Date(day).toISOString().slice(0, 10)})`);
  }
  loadMs.wall = Date.now() - wall0;
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
  await new TsKvRollup1765850000000().up(runner);
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
    load: { wallSec: loadMs.wall / 1000, pointsPerSecBothLayouts: Math.round((2 * rows) / (loadMs.wall / 1000)), oldSec: loadMs.old / 1000, newSec: loadMs.new / 1000, oldPointsPerSec: Math.round(rows / (loadMs.old / 1000)), newPointsPerSec: Math.round(rows / (loadMs.new / 1000)) },
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
  if (uuidFile) await oldPool.query(`COPY (SELECT 1) TO PROGRAM 'rm -f ${uuidFile}'`).catch(() => undefined);
  await oldPool.end();
  await newPool.end();
  if (!a.keep) await c0.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c0.end();
}
