import type { Db } from '../../src/database/db.js';

/** Columns the platform itself changes while it runs (the RPC dispatcher moves a call along). */
const VOLATILE: Record<string, string[]> = {
  rpc: ['status', 'response', 'out_integration_id', 'out_topic', 'out_payload'],
};

/**
 * Every database row that belongs to one tenant, as text: rows of tables with a tenant_id,
 * plus rows of tables keyed by one of those rows' ids (telemetry, attributes, connections).
 * Compared before and after an attack, it proves "0 writes" whatever the API answered.
 */
export async function snapshotTenant(
  db: Db,
  tenantId: string,
): Promise<{ rows: Record<string, string[]>; count: number; tables: string[] }> {
  const cols = await db.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND column_name IN ('tenant_id', 'entity_id', 'rule_chain_id', 'device_id')`,
  );
  const byTable = new Map<string, Set<string>>();
  for (const c of cols)
    (byTable.get(c.table_name) ?? byTable.set(c.table_name, new Set()).get(c.table_name)!).add(c.column_name);
  const rows: Record<string, string[]> = {};
  const ids = new Set<string>();
  const dump = async (table: string, where: string, params: unknown[]) => {
    const r = await db.query<{ j: string }>(
      `SELECT row_to_json(t)::text AS j FROM "${table}" t WHERE ${where} ORDER BY 1`,
      params,
    );
    const drop = VOLATILE[table] ?? [];
    rows[table] = r.map((x) =>
      drop.length
        ? JSON.stringify({ ...JSON.parse(x.j), ...Object.fromEntries(drop.map((c) => [c, '*'])) })
        : x.j,
    );
    for (const x of r) {
      const id = (JSON.parse(x.j) as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    }
  };
  for (const [table, c] of byTable) if (c.has('tenant_id')) await dump(table, 'tenant_id = $1', [tenantId]);
  const idList = [...ids];
  for (const [table, c] of byTable) {
    if (c.has('tenant_id')) continue;
    const key = ['entity_id', 'rule_chain_id', 'device_id'].find((k) => c.has(k))!;
    await dump(table, `${key}::text = ANY($1::text[])`, [idList]);
  }
  const tables = Object.keys(rows)
    .filter((t) => rows[t]!.length)
    .sort();
  return { rows, count: Object.values(rows).reduce((n, r) => n + r.length, 0), tables };
}
