import type { Queryable } from './db.js';

/**
 * Range partitions by time for tables keyed on a `bigint` millisecond timestamp
 * (`ts_kv`, the raw-message archive, debug events). Bounds are UTC calendar units so that
 * a partition past the retention line can be dropped whole.
 */
export type PartitionUnit = 'DAYS' | 'WEEKS' | 'MONTHS';
export const PARTITION_UNITS: readonly PartitionUnit[] = ['DAYS', 'WEEKS', 'MONTHS'];

export interface PartitionRange {
  /** inclusive, ms since epoch (UTC) */
  from: number;
  /** exclusive */
  to: number;
}

export interface Partition extends PartitionRange {
  name: string;
}

const DAY = 86_400_000;

/** The partition of `unit` that holds `ts` (weeks start on Monday, as ISO weeks do). */
export function partitionRange(unit: PartitionUnit, ts: number): PartitionRange {
  const d = new Date(ts);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (unit === 'MONTHS') return { from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
  const dayStart = Date.UTC(y, m, d.getUTCDate());
  if (unit === 'DAYS') return { from: dayStart, to: dayStart + DAY };
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  const from = dayStart - sinceMonday * DAY;
  return { from, to: from + 7 * DAY };
}

/** `ts_kv_2026_12` (months), `ts_kv_2026_12_07` (days and weeks: the first day). */
export function partitionName(table: string, unit: PartitionUnit, from: number): string {
  const d = new Date(from);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ym = `${d.getUTCFullYear()}_${p2(d.getUTCMonth() + 1)}`;
  return unit === 'MONTHS' ? `${table}_${ym}` : `${table}_${ym}_${p2(d.getUTCDate())}`;
}

/** Every partition range of `unit` that overlaps [fromTs, toTs]. */
export function rangesCovering(unit: PartitionUnit, fromTs: number, toTs: number): PartitionRange[] {
  const out: PartitionRange[] = [];
  for (let r = partitionRange(unit, fromTs); r.from <= toTs; r = partitionRange(unit, r.to)) out.push(r);
  return out;
}

/**
 * Creates the missing partitions of `table` covering [fromTs, toTs]; returns the names created.
 * Rows of the default partition that fall in a new range are moved into it in one transaction
 * (Postgres refuses to create a partition whose rows sit in the default one): points that arrived
 * before their partition existed end in the right place. `table` is a name from our own code, never user input.
 */
export async function ensurePartitions(
  q: Queryable,
  table: string,
  unit: PartitionUnit,
  fromTs: number,
  toTs: number,
): Promise<string[]> {
  // A range overlapping an existing partition is covered (TS_PARTITION may have changed since it was made).
  const existing = await listPartitions(q, table);
  const created: string[] = [];
  let def: { name: string; column: string } | null | undefined;
  for (const r of rangesCovering(unit, fromTs, toTs)) {
    if (existing.some((p) => p.from < r.to && r.from < p.to)) continue;
    const name = partitionName(table, unit, r.from);
    def ??= await defaultPartition(q, table);
    const bound = `FOR VALUES FROM (${r.from}) TO (${r.to})`;
    const where = def && `${def.column} >= ${r.from} AND ${def.column} < ${r.to}`;
    if (def && (await q.query(`SELECT 1 FROM ${def.name} WHERE ${where} LIMIT 1`)).length) {
      const d = def;
      await inTransaction(q, async (t) => {
        await t.query(`LOCK TABLE ${d.name} IN SHARE ROW EXCLUSIVE MODE`);
        await t.query(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await t.query(`WITH moved AS (DELETE FROM ${d.name} WHERE ${where} RETURNING *) INSERT INTO ${name} SELECT * FROM moved`);
        await t.query(`ALTER TABLE ${table} ATTACH PARTITION ${name} ${bound}`);
      });
    } else await q.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} ${bound}`);
    created.push(name);
  }
  return created;
}

type WithTx = Queryable & { tx?: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T> };
/** Runs `fn` in a transaction of `q` when it can open one (a Db); otherwise `q` is already one. */
function inTransaction<T>(q: WithTx, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return typeof q.tx === 'function' ? q.tx(fn) : fn(q);
}

/** The default partition of `table` and the column it is partitioned on, or null. */
export async function defaultPartition(q: Queryable, table: string): Promise<{ name: string; column: string } | null> {
  const [r] = await q.query<{ name: string | null; column: string }>(
    `SELECT d.relname AS name, a.attname AS column
       FROM pg_partitioned_table pt JOIN pg_class p ON p.oid = pt.partrelid
       JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
       LEFT JOIN pg_class d ON d.oid = pt.partdefid
      WHERE p.relname = $1 AND p.relnamespace = current_schema()::regnamespace`,
    [table],
  );
  return r?.name ? { name: r.name, column: r.column } : null;
}

/** The range partitions of `table` (not its default partition), oldest first. */
export async function listPartitions(q: Queryable, table: string): Promise<Partition[]> {
  const rows = await q.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = $1 AND p.relnamespace = current_schema()::regnamespace`,
    [table],
  );
  const out: Partition[] = [];
  for (const r of rows) {
    const m = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(r.bound);
    if (m) out.push({ name: r.name, from: Number(m[1]), to: Number(m[2]) });
  }
  return out.sort((a, b) => a.from - b.from);
}

/** Drops every partition of `table` that ends at or before `ts`; returns the names dropped. */
export async function dropPartitionsBefore(q: Queryable, table: string, ts: number): Promise<string[]> {
  const dropped: string[] = [];
  for (const p of await listPartitions(q, table)) {
    if (p.to > ts) continue;
    await q.query(`DROP TABLE IF EXISTS ${p.name}`);
    dropped.push(p.name);
  }
  return dropped;
}

const TRUNC: Record<PartitionUnit, string> = { DAYS: 'day', WEEKS: 'week', MONTHS: 'month' };

/**
 * The starts of the `unit` partitions that rows of `table` (any table with a bigint ms `column`)
 * in [fromTs, toTs] fall into: one scan, e.g. to create the partitions an old table's rows or
 * a default partition's rows need.
 */
export async function partitionStartsOfRows(
  q: Queryable,
  table: string,
  column: string,
  unit: PartitionUnit,
  fromTs: number,
  toTs: number,
): Promise<number[]> {
  const rows = await q.query<{ s: string }>(
    `SELECT DISTINCT (extract(epoch FROM date_trunc('${TRUNC[unit]}', to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') * 1000)::bigint AS s
       FROM ${table} WHERE ${column} BETWEEN $1 AND $2 ORDER BY 1`,
    [fromTs, toTs],
  );
  return rows.map((r) => Number(r.s));
}

/**
 * Packs the indexes of `table`'s partitions that ended before `ts` (closed: rows arrive there only
 * late, if at all): fillfactor 100 and REINDEX CONCURRENTLY, which neither blocks reads nor writes.
 * Indexes built while rows of many series arrived interleaved have pages split half full; packed,
 * a ts_kv index entry costs its ~44 bytes and no more. B-tree indexes only (a BRIN index has no fillfactor and
 * nothing to pack). Each index once (its fillfactor marks it); returns their names.
 */
export async function packClosedPartitionIndexes(q: Queryable, table: string, ts: number): Promise<string[]> {
  const packed: string[] = [];
  for (const p of await listPartitions(q, table)) {
    if (p.to > ts) continue;
    const idx = await q.query<{ name: string }>(
      `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = $1::regclass AND i.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
          AND NOT ('fillfactor=100' = ANY(coalesce(i.reloptions, '{}')))`,
      [p.name],
    );
    for (const { name } of idx) {
      await q.query(`ALTER INDEX ${name} SET (fillfactor = 100)`);
      await q.query(`REINDEX INDEX CONCURRENTLY ${name}`);
      packed.push(name);
    }
  }
  return packed;
}
