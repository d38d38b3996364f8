import type { Db } from './db.js';

/** Namespace of Bridgeboard's advisory locks (first key of the two-key form). */
const LOCK_SPACE = 0x42b0;

/**
 * Runs `fn` only if no other process (node of a cluster sharing this database) runs the job of
 * the same `name` at this moment: a session advisory lock held on one pooled connection for the
 * job's duration. Returns `{ ran: false }` when another node holds it — scheduled jobs
 * (retention, partition upkeep, cleanups) call this on every node and run once per cluster.
 */
export async function runOncePerCluster<T>(
  db: Db,
  name: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const client = await db.pool.connect();
  try {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_SPACE, name]);
    if (!r.rows[0]?.ok) return { ran: false };
    try {
      return { ran: true, result: await fn() };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, name]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
