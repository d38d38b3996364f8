import type { Db } from '../../database/db.js';
import { defaultPartition, ensurePartitions, listPartitions, partitionStartsOfRows, type PartitionUnit } from '../../database/partitions.js';
import { PARTITION_HORIZON_MS } from '../retention/retention.js';

interface State {
  id: number;
  total: string;
  copied: string;
  last_entity_id: string | null;
  last_key: string | null;
  last_ts: string | null;
}

export interface MigrationProgress {
  copied: number;
  total: number;
  done: boolean;
}

/** A table of an earlier layout whose rows move into today's ts_kv (device ids from ts_kv_entity, key ids). */
interface Source {
  /** its row in ts_kv_migration */
  id: number;
  table: string;
  /** the join condition giving the key dictionary's row `d` of a row `b` */
  keyJoin: string;
  keyType: 'text' | 'int';
}

/**
 * Oldest layout last: points of the partitioned table with device uuids (migration 1765800000000, renamed
 * `ts_kv_uuid` by 1766200000000) were written after the unpartitioned text-key table's (`ts_kv_old`), and
 * the first row moved into ts_kv for a (device, key, ts) wins.
 */
const SOURCES: Source[] = [
  { id: 2, table: 'ts_kv_uuid', keyJoin: 'd.key_id = b.key', keyType: 'int' },
  { id: 1, table: 'ts_kv_old', keyJoin: 'd.key = b.key', keyType: 'text' },
];

/** True while rows of an earlier layout are still to be moved (the rollup job waits for them). */
export async function movingOldTsKv(db: Pick<Db, 'query'>): Promise<boolean> {
  const [r] = await db.query<{ ok: boolean }>(
    `SELECT ${SOURCES.map((s) => `to_regclass('${s.table}') IS NOT NULL`).join(' OR ')} AS ok`,
  );
  return r?.ok === true;
}

/**
 * Moves the rows of an installation's earlier ts_kv layouts into today's: the unpartitioned table with
 * text keys (`ts_kv_old`, from before issue 18) and the partitioned one with device uuids (`ts_kv_uuid`),
 * in batches of `batch` rows in primary-key order. A partitioned source is moved one partition at a
 * time and each partition dropped once moved, so the disk holds little more than one copy. Each batch
 * and the position reached commit together (`ts_kv_migration`, one row per source), so after a crash the
 * next start continues where the last batch ended. Points written since the upgrade win over moved ones
 * with the same (device, key, ts). When a source is empty it is dropped.
 * `stopAfter` (tests: a crash after n batches) ends the run early.
 */
export async function migrateOldTsKv(
  db: Db,
  opts: { unit: PartitionUnit; batch: number; log: (msg: string) => void; stopAfter?: number; now?: number },
): Promise<MigrationProgress> {
  const sources: { src: Source; state: State }[] = [];
  for (const src of SOURCES) {
    const [ok] = await db.query<{ ok: string | null }>(`SELECT to_regclass('${src.table}')::text AS ok`);
    if (!ok?.ok) continue;
    const read = () => db.query<State>('SELECT id, total, copied, last_entity_id, last_key, last_ts FROM ts_kv_migration WHERE id = $1', [src.id]);
    let [state] = await read();
    if (!state) {
      const [c] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${src.table}`);
      await db.query('INSERT INTO ts_kv_migration (id, started_at, total) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [src.id, Date.now(), c!.n]);
      [state] = await read();
      // a new installation's migrations leave empty old tables: dropped without a word
      if (Number(c!.n) > 0) opts.log(`ts_kv: moving ${c!.n} points of ${src.table} into the current layout (batches of ${opts.batch})`);
    } else opts.log(`ts_kv: resuming the move of ${src.table} at ${state.copied} of ${state.total} points`);
    sources.push({ src, state: state! });
  }
  const total = sources.reduce((n, s) => n + Number(s.state.total), 0);
  let copied = sources.reduce((n, s) => n + Number(s.state.copied), 0);
  const now = opts.now ?? Date.now();
  let batches = 0;

  for (const { src, state } of sources) {
    // Keys first (idempotent, so a resumed run does it again cheaply); a partitioned source partition by partition.
    if (src.keyType === 'text')
      await db.query(`INSERT INTO ts_kv_dictionary (key) SELECT DISTINCT key FROM ${src.table} ORDER BY 1 ON CONFLICT (key) DO NOTHING`);
    const dflt = await defaultPartition(db, src.table);
    const parts = (await listPartitions(db, src.table)).map((p) => p.name);
    const units = dflt || parts.length ? [...(dflt ? [dflt.name] : []), ...parts] : [src.table];
    let last: { e: string | null; k: string | null; ts: string | null } | null =
      state.last_ts === null ? null : { e: state.last_entity_id, k: state.last_key, ts: state.last_ts };
    for (const unit of units) {
      for (const s of await partitionStartsOfRows(db, unit, 'ts', opts.unit, now - PARTITION_HORIZON_MS.back, now + PARTITION_HORIZON_MS.ahead))
        await ensurePartitions(db, 'ts_kv', opts.unit, s, s);
      for (;;) {
        if (opts.stopAfter !== undefined && batches >= opts.stopAfter) return { copied, total, done: false };
        const params = [last?.ts ?? null, last?.e ?? null, last?.k ?? null, opts.batch];
        const batch = `SELECT * FROM ${unit}
            WHERE $1::bigint IS NULL OR (entity_id, key, ts) > ($2::uuid, $3::${src.keyType}, $1::bigint)
            ORDER BY entity_id, key, ts LIMIT $4`;
        const r = await db.tx(async (q) => {
          // The batch's devices get their ids first, in a statement of their own: one another writer adds at the
          // same moment is committed (ON CONFLICT waits for it) and seen by the next statement's snapshot.
          await q.query(
            `INSERT INTO ts_kv_entity (entity_id) SELECT DISTINCT entity_id FROM (${batch}) b ORDER BY 1 ON CONFLICT (entity_id) DO NOTHING`,
            params,
          );
          // Rows are inserted in the writers' shared order (device uuid, key name, ts): no deadlock with live batches.
          const [b] = await q.query<{ n: string; m: string; e: string | null; k: string | null; ts: string | null }>(
            `WITH b AS MATERIALIZED (${batch}),
             j AS MATERIALIZED (
               SELECT e.entity_idx, d.key_id, b.ts, b.bool_v, b.long_v, b.dbl_v, b.str_v, b.json_v, b.entity_id AS uuid, d.key AS name
                 FROM b JOIN ts_kv_entity e ON e.entity_id = b.entity_id JOIN ts_kv_dictionary d ON ${src.keyJoin}),
             ins AS (
               INSERT INTO ts_kv (entity_idx, key, ts, bool_v, long_v, dbl_v, str_v, json_v)
               SELECT entity_idx, key_id, ts, bool_v, long_v, dbl_v, str_v, json_v FROM j ORDER BY uuid, name, ts
               ON CONFLICT (entity_idx, key, ts) DO NOTHING)
             SELECT count(*) AS n, (SELECT count(*) FROM j) AS m, l.entity_id AS e, l.key::text AS k, l.ts
               FROM b, (SELECT entity_id, key, ts FROM b ORDER BY entity_id DESC, key DESC, ts DESC LIMIT 1) l
              GROUP BY l.entity_id, l.key, l.ts`,
            params,
          );
          if (!b) return null;
          if (b.n !== b.m) throw new Error(`${b.n} rows of ${unit} read but ${b.m} found their device and key ids (nothing of this batch was moved)`);
          await q.query('UPDATE ts_kv_migration SET copied = copied + $2, last_entity_id = $3, last_key = $4, last_ts = $5 WHERE id = $1', [
            src.id,
            b.n,
            b.e,
            b.k,
            b.ts,
          ]);
          return b;
        });
        if (!r) break;
        batches++;
        copied += Number(r.n);
        last = { e: r.e, k: r.k, ts: r.ts };
        opts.log(`ts_kv: moved ${copied} of ${total} points (${total ? Math.floor((copied / total) * 100) : 100}%)`);
      }
      // A moved partition goes at once (its space back), with the position reset for the next one, in one transaction.
      if (unit !== src.table)
        await db.tx(async (q) => {
          await q.query(`DROP TABLE ${unit}`);
          await q.query('UPDATE ts_kv_migration SET last_entity_id = NULL, last_key = NULL, last_ts = NULL WHERE id = $1', [src.id]);
        });
      last = null;
    }
    await db.tx(async (q) => {
      await q.query(`DROP TABLE ${src.table}`);
      await q.query('DELETE FROM ts_kv_migration WHERE id = $1', [src.id]);
    });
  }
  if (total > 0) opts.log(`ts_kv: all ${copied} points are in the current layout; the old tables are dropped`);
  return { copied, total, done: true };
}
