import type { Db, Queryable } from '../../database/db.js';
import {
  defaultPartition,
  dropPartitionsBefore,
  ensurePartitions,
  listPartitions,
  packClosedPartitionIndexes,
  partitionStartsOfRows,
  type PartitionUnit,
} from '../../database/partitions.js';

const DAY = 86_400_000;

/**
 * Points within this window around now get a partition of their own (created when they arrive in the
 * default partition, by the next upkeep); points further back or ahead stay in the default partition
 * (kept, readable, reported): "far outside".
 */
export const PARTITION_HORIZON_MS = { back: 10 * 365 * DAY, ahead: 365 * DAY };

/** A table partitioned by time whose partitions the upkeep job creates ahead of time. */
export interface PartitionedTable {
  table: string;
  unit: PartitionUnit;
  /** partitions kept ready after the current one (default 2) */
  ahead?: number;
  /** pack the indexes of partitions once they are closed (see packClosedPartitionIndexes) */
  packClosed?: boolean;
}

/**
 * What the retention job expires. Partitioned tables lose whole partitions past the TTL (a DROP,
 * no row-by-row delete) and the rest of the boundary partition in small batches; plain tables are
 * deleted in small batches. Other modules register their tables (the raw-message archive, …).
 */
export interface RetentionRule {
  /** a table name from our own code (never user input) */
  table: string;
  /** bigint milliseconds column */
  tsColumn: string;
  /** days to keep; 0 = forever. Read at every run, so a config change applies at the next one. */
  ttlDays: () => number;
  /**
   * Per-tenant TTLs that differ from ttlDays() (0 = forever for that tenant), and a SQL condition
   * selecting rows of the tenants in the uuid[] parameter `$TENANTS`, e.g. `tenant_id = ANY($TENANTS)`.
   */
  perTenant?: { overrides: () => Promise<Map<string, number>>; rowsOf: string };
}

export interface RetentionReport {
  table: string;
  dropped: string[];
  deleted: number;
}

/** Rows deleted per statement: short transactions, no long lock, WAL in small pieces. */
export const DELETE_BATCH = 5000;

/** Most row versions one heap page can hold (8 kB pages): the window size when the table has no statistics. */
const MAX_ROWS_PER_PAGE = 291;

/**
 * Deletes the rows of one table (a partition or a plain table) matching `where` in batches of at most
 * `batch`, walking the heap once in windows of pages (TID range scans: a window's rows are read once
 * unless it held a full batch; old dead rows behind it are not read again). Windows, not "the largest
 * ctid deleted so far": a plan that is not a plain scan in ctid order (a parallel scan, a join on the
 * device) returns its first `batch` rows from all over the heap, and resuming after the largest ctid
 * skipped the rest (measured: 5,005 of 10,000 expired rows deleted in one run). A window grows while
 * it finds little, so a pass with nothing to delete costs a few statements. Returns the rows deleted.
 */
export async function deleteInBatches(q: Queryable, table: string, where: string, params: unknown[], batch = DELETE_BATCH): Promise<number> {
  const [st] = await q.query<{ pages: string; per: number | null }>(
    `SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
            CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages END AS per
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  const pages = Number(st!.pages);
  const perPage = Math.min(MAX_ROWS_PER_PAGE, Math.max(1, st!.per ?? MAX_ROWS_PER_PAGE));
  let step = Math.max(1, Math.floor(batch / perPage));
  let total = 0;
  const n = params.length;
  for (let lo = 0; lo < pages; ) {
    const hi = lo + step;
    const [r] = await q.query<{ n: string }>(
      `WITH gone AS (DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${table} WHERE ctid >= $${n + 1}::tid AND ctid < $${n + 2}::tid AND (${where}) LIMIT $${n + 3})) RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [...params, `(${lo},0)`, `(${hi},0)`, batch],
    );
    const deleted = Number(r!.n);
    total += deleted;
    if (deleted >= batch) {
      // the window may hold more: the same start again, a smaller window
      step = Math.max(1, Math.floor(step / 2));
      continue;
    }
    lo = hi;
    if (deleted < batch / 2) step *= 2;
  }
  return total;
}

/**
 * One retention run of one rule. With per-tenant overrides, whole partitions go only when they are
 * past every tenant's TTL (the longest); the rows of tenants with a shorter one are deleted in batches.
 */
export async function expire(db: Db, rule: RetentionRule, now = Date.now()): Promise<RetentionReport> {
  const report: RetentionReport = { table: rule.table, dropped: [], deleted: 0 };
  const def = rule.ttlDays();
  const overrides = rule.perTenant ? await rule.perTenant.overrides() : new Map<string, number>();
  const ttls = [def, ...overrides.values()];
  const partitioned = await isPartitioned(db, rule.table);
  const dflt = partitioned ? await defaultPartition(db, rule.table) : null;

  if (partitioned && ttls.every((d) => d > 0)) report.dropped = await dropPartitionsBefore(db, rule.table, now - Math.max(...ttls) * DAY);

  // What is left to delete row by row: (cutoff, tenant condition) pairs.
  const tenantSql = (p: number) => rule.perTenant!.rowsOf.replaceAll('$TENANTS', `$${p}::uuid[]`);
  const jobs: { cutoff: number; where: string; params: unknown[] }[] = [];
  if (def > 0) {
    const others = [...overrides.keys()];
    jobs.push(
      others.length
        ? { cutoff: now - def * DAY, where: `NOT (${tenantSql(2)})`, params: [others] }
        : { cutoff: now - def * DAY, where: 'true', params: [] },
    );
  }
  const byTtl = new Map<number, string[]>();
  for (const [tenant, days] of overrides) if (days > 0) byTtl.set(days, [...(byTtl.get(days) ?? []), tenant]);
  for (const [days, tenants] of byTtl) jobs.push({ cutoff: now - days * DAY, where: tenantSql(2), params: [tenants] });

  const left = partitioned ? await listPartitions(db, rule.table) : [];
  for (const job of jobs) {
    const where = `${rule.tsColumn} < $1 AND (${job.where})`;
    if (!partitioned) {
      report.deleted += await deleteInBatches(db, rule.table, where, [job.cutoff, ...job.params]);
      continue;
    }
    for (const p of left) if (p.from < job.cutoff) report.deleted += await deleteInBatches(db, p.name, where, [job.cutoff, ...job.params]);
    if (dflt) report.deleted += await deleteInBatches(db, dflt.name, where, [job.cutoff, ...job.params]);
  }
  return report;
}

async function isPartitioned(q: Queryable, table: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
      WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [table],
  );
  return rows.length > 0;
}

/**
 * Creates the partitions of `t` from the current one to `ahead` after it, and the partitions of rows
 * that arrived in the default partition within PARTITION_HORIZON_MS (moved there); returns the names created.
 */
export async function upkeep(db: Db, t: PartitionedTable, now = Date.now()): Promise<string[]> {
  const ahead = t.ahead ?? 2;
  const unitMs = { DAYS: DAY, WEEKS: 7 * DAY, MONTHS: 31 * DAY }[t.unit];
  const created = await ensurePartitions(db, t.table, t.unit, now, now + ahead * unitMs);
  const dflt = await defaultPartition(db, t.table);
  if (dflt)
    for (const s of await partitionStartsOfRows(db, dflt.name, dflt.column, t.unit, now - PARTITION_HORIZON_MS.back, now + PARTITION_HORIZON_MS.ahead))
      created.push(...(await ensurePartitions(db, t.table, t.unit, s, s)));
  if (t.packClosed) await packClosedPartitionIndexes(db, t.table, now);
  return created;
}

/** Rows in the default partition of `table` (points outside every partition), counted up to `max`. */
export async function defaultRows(q: Queryable, table: string, max = 1_000_000): Promise<number> {
  const d = await defaultPartition(q, table);
  if (!d) return 0;
  const [r] = await q.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${d.name} LIMIT ${max}) x`);
  return Number(r!.n);
}
