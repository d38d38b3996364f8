import type { Db } from '../../database/db.js';

export interface LeaseRow {
  integrationId: string;
  tenantId: string;
  enabled: boolean;
  owner: string | null;
  state: string | null;
  /** runs on every node with a shared subscription (no lease) */
  shared: boolean;
}

/** integration_lease: which node runs an integration. A claim succeeds only over a lease whose node is gone. */
export class LeaseRepository {
  constructor(private readonly db: Db) {}

  /** Enabled integrations and every leased one (a disabled one may still be leased for a moment). */
  async rows(): Promise<LeaseRow[]> {
    const rows = await this.db.query<{
      id: string;
      tenant_id: string;
      enabled: boolean;
      node_id: string | null;
      state: string | null;
      shared: boolean;
    }>(
      `SELECT i.id, i.tenant_id, i.enabled, l.node_id, l.state, coalesce((i.configuration->>'sharedSubscription')::boolean, false) AS shared
       FROM integration i LEFT JOIN integration_lease l ON l.integration_id = i.id
       WHERE i.enabled OR l.node_id IS NOT NULL ORDER BY i.created_time`,
    );
    return rows.map((r) => ({
      integrationId: r.id,
      tenantId: r.tenant_id,
      enabled: r.enabled,
      owner: r.node_id,
      state: r.state,
      shared: r.shared,
    }));
  }

  /** The lease of one integration: its node and whether that node is alive. */
  async owner(integrationId: string, timeoutMs: number): Promise<{ node: string; alive: boolean } | null> {
    const [r] = await this.db.query<{ node_id: string; alive: boolean | null }>(
      `SELECT l.node_id, n.heartbeat_at > now() - make_interval(secs => $2::float8 / 1000) AND NOT n.stopping AS alive
       FROM integration_lease l LEFT JOIN cluster_node n ON n.id = l.node_id WHERE l.integration_id = $1`,
      [integrationId, timeoutMs],
    );
    return r ? { node: r.node_id, alive: !!r.alive } : null;
  }

  /**
   * Takes the lease when nobody holds it or its node is gone (no heartbeat within the timeout, or
   * stopping); the row lock makes two claimers queue, and the second finds the first alive. The
   * epoch grows with every new owner. Returns the epoch, or null when another node holds it.
   */
  async claim(integrationId: string, node: string, timeoutMs: number): Promise<number | null> {
    const [r] = await this.db.query<{ epoch: string }>(
      `INSERT INTO integration_lease AS l (integration_id, node_id)
       SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM integration WHERE id = $1 AND enabled AND NOT coalesce((configuration->>'sharedSubscription')::boolean, false))
       ON CONFLICT (integration_id) DO UPDATE SET node_id = EXCLUDED.node_id, epoch = l.epoch + 1, acquired_at = now(), state = 'CONNECTING'
       WHERE l.node_id = $2 OR NOT EXISTS (
         SELECT 1 FROM cluster_node n WHERE n.id = l.node_id AND NOT n.stopping AND n.heartbeat_at > now() - make_interval(secs => $3::float8 / 1000))
       RETURNING epoch`,
      [integrationId, node, timeoutMs],
    );
    return r ? Number(r.epoch) : null;
  }

  async release(integrationId: string, node: string): Promise<void> {
    await this.db.query('DELETE FROM integration_lease WHERE integration_id = $1 AND node_id = $2', [
      integrationId,
      node,
    ]);
  }

  async setState(integrationId: string, node: string, state: string): Promise<void> {
    await this.db.query(
      'UPDATE integration_lease SET state = $3 WHERE integration_id = $1 AND node_id = $2',
      [integrationId, node, state],
    );
  }

  /** Enabled integrations (that take a lease), and how many of them this node holds. */
  async counts(node: string): Promise<{ enabled: number; mine: number }> {
    const [r] = await this.db.query<{ enabled: string; mine: string }>(
      `SELECT (SELECT count(*) FROM integration WHERE enabled AND NOT coalesce((configuration->>'sharedSubscription')::boolean, false)) AS enabled, (SELECT count(*) FROM integration_lease WHERE node_id = $1) AS mine`,
      [node],
    );
    return { enabled: Number(r!.enabled), mine: Number(r!.mine) };
  }
}
