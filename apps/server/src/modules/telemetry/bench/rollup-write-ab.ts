/**
 * The write path's cost of the rollup's dirty marking: 1,000-point batches (100 devices × 3 keys), fresh
 * (no marking: the same statement as without the rollup) vs a month old (below the watermark: their
 * (device, key, hour) go to ts_kv_rollup_dirty in the same statement), interleaved, in a scratch database.
 *
 *   cd apps/server && node --no-node-snapshot --import ../../scripts/source-register.mjs src/modules/telemetry/bench/rollup-write-ab.ts
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../../database/db.js';
import { TelemetryRepository, type TsRow } from '../telemetry.repository.js';
import { rollupOnce } from '../ts-kv-rollup.js';
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = 'bb_write_ab_' + Math.random().toString(16).slice(2, 8);
const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`CREATE DATABASE ${name}`);
const u = new URL(admin);
u.pathname = `/${name}`;
const db = await openDatabase(u.toString(), 4);
await db.query('DROP TABLE IF EXISTS ts_kv_old');
await rollupOnce(db);
const repo = new TelemetryRepository(db);
const devs = Array.from({ length: 100 }, () => randomUUID());
const batch = (base: number): TsRow[] =>
  Array.from({ length: 1000 }, (_, i) => ({ entityId: devs[i % 100]!, key: ['a', 'b', 'c'][i % 3]!, ts: base + Math.floor(i / 300) * 1000, bool_v: null, long_v: null, dbl_v: i / 4, str_v: null, json_v: null }));
const res: Record<string, number[]> = { fresh: [], late: [] };
let t0 = Date.now() - 60_000;
let t1 = Date.now() - 30 * 86_400_000;
for (let round = 0; round < 300; round++)
  for (const kind of round % 2 ? (['fresh', 'late'] as const) : (['late', 'fresh'] as const)) {
    const rows = batch(kind === 'fresh' ? (t0 += 10_000) : (t1 += 10_000));
    const s = process.hrtime.bigint();
    await repo.saveBatch(rows, [], []);
    res[kind]!.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.ceil(p * a.length) - 1]!.toFixed(1);
for (const k of ['fresh', 'late']) console.log(`${k}: p50 ${q(res[k]!, 0.5)} ms p99 ${q(res[k]!, 0.99)} ms (${res[k]!.length} batches of 1,000 points)`);
console.log('dirty rows', (await db.query('SELECT count(*) AS n FROM ts_kv_rollup_dirty'))[0]);
await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
await c.end();
process.exit(0);
