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
 * `table` is a name from our own code, never user input.
 */
export async function ensurePartitions(
  q: Queryable,
  table: string,
  unit: PartitionUnit,
  fromTs: number,
  toTs: number,
): Promise<string[]> {
  const existing = new Set((await listPartitions(q, table)).map((p) => p.from));
  const created: string[] = [];
  for (const r of rangesCovering(unit, fromTs, toTs)) {
    if (existing.has(r.from)) continue;
    const name = partitionName(table, unit, r.from);
    await q.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM (${r.from}) TO (${r.to})`);
    created.push(name);
  }
  return created;
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
