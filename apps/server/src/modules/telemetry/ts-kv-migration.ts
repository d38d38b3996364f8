import type { Db } from '../../database/db.js';
import { ensurePartitions, partitionStartsOfRows, type PartitionUnit } from '../../database/partitions.js';
import { PARTITION_HORIZON_MS } from '../retention/retention.js';

interface State {
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

/**
 * Moves the rows of an installation's unpartitioned `ts_kv` (renamed `ts_kv_old` by migration
 * 1765800000000) into the partitioned layout, in batches of `batch` rows in primary-key order. Each
 * batch and the position reached commit together (`ts_kv_migration`), so after a crash the next
 * start continues where the last batch ended. Points written since the upgrade win over old ones
 * with the same (device, key, ts). When everything is copied `ts_kv_old` is dropped.
 * `stopAfter` (tests: a crash after n batches) ends the run early.
 */
export async function migrateOldTsKv(
  db: Db,
  opts: { unit: PartitionUnit; batch: number; log: (msg: string) => void; stopAfter?: number; now?: number },
): Promise<MigrationProgress> {
  const [old] = await db.query<{ ok: string | null }>(`SELECT to_regclass('ts_kv_old')::text AS ok`);
  if (!old?.ok) return { copied: 0, total: 0, done: true };
  let [state] = await db.query<State>('SELECT total, copied, last_entity_id, last_key, last_ts FROM ts_kv_migration WHERE id = 1');
  if (!state) {
    const [c] = await db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_old');
    await db.query('INSERT INTO ts_kv_migration (id, started_at, total) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [Date.now(), c!.n]);
    [state] = await db.query<State>('SELECT total, copied, last_entity_id, last_key, last_ts FROM ts_kv_migration WHERE id = 1');
    // a new installation's migration leaves an empty old table: dropped without a word
    if (Number(c!.n) > 0) opts.log(`ts_kv: moving ${c!.n} points of the old table into time partitions (batches of ${opts.batch})`);
  } else opts.log(`ts_kv: resuming the move into time partitions at ${state.copied} of ${state.total} points`);
  const total = Number(state!.total);

  // Keys and partitions first (idempotent, so a resumed run does it again cheaply).
  await db.query('INSERT INTO ts_kv_dictionary (key) SELECT DISTINCT key FROM ts_kv_old ORDER BY 1 ON CONFLICT (key) DO NOTHING');
  const now = opts.now ?? Date.now();
  for (const s of await partitionStartsOfRows(db, 'ts_kv_old', 'ts', opts.unit, now - PARTITION_HORIZON_MS.back, now + PARTITION_HORIZON_MS.ahead))
    await ensurePartitions(db, 'ts_kv', opts.unit, s, s);

  let copied = Number(state!.copied);
  let last: { e: string | null; k: string | null; ts: string | null } | null =
    state!.last_ts === null ? null : { e: state!.last_entity_id, k: state!.last_key, ts: state!.last_ts };
  let batches = 0;
  for (;;) {
    if (opts.stopAfter !== undefined && batches >= opts.stopAfter) return { copied, total, done: false };
    const r = await db.tx(async (q) => {
      const [b] = await q.query<{ n: string; e: string | null; k: string | null; ts: string | null }>(
        `WITH b AS MATERIALIZED (
           SELECT * FROM ts_kv_old
            WHERE $1::bigint IS NULL OR (entity_id, key, ts) > ($2::uuid, $3::text, $1::bigint)
            ORDER BY entity_id, key, ts LIMIT $4),
         ins AS (
           INSERT INTO ts_kv (ts, entity_id, key, bool_v, long_v, dbl_v, str_v, json_v)
           SELECT b.ts, b.entity_id, d.key_id, b.bool_v, b.long_v, b.dbl_v, b.str_v, b.json_v
             FROM b JOIN ts_kv_dictionary d ON d.key = b.key ORDER BY b.entity_id, d.key_id, b.ts
           ON CONFLICT (entity_id, key, ts) DO NOTHING)
         SELECT count(*) AS n, l.entity_id AS e, l.key AS k, l.ts
           FROM b, (SELECT entity_id, key, ts FROM b ORDER BY entity_id DESC, key DESC, ts DESC LIMIT 1) l
          GROUP BY l.entity_id, l.key, l.ts`,
        [last?.ts ?? null, last?.e ?? null, last?.k ?? null, opts.batch],
      );
      if (!b) return null;
      await q.query('UPDATE ts_kv_migration SET copied = copied + $1, last_entity_id = $2, last_key = $3, last_ts = $4 WHERE id = 1', [
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
  await db.tx(async (q) => {
    await q.query('DROP TABLE ts_kv_old');
    await q.query('DELETE FROM ts_kv_migration');
  });
  if (total > 0) opts.log(`ts_kv: all ${copied} points are in the partitioned layout; the old table is dropped`);
  return { copied, total, done: true };
}
