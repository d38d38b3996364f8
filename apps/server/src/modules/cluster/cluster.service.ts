import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';
import type { ClusterView } from '@bridgeboard/contracts';
import { ClusterNode } from './cluster-node.js';

export type { ClusterView };

/** GET /api/cluster: every node known in the last hour, its load and what it runs. */
@Injectable()
export class ClusterService {
  constructor(
    private readonly db: Db,
    private readonly node: ClusterNode,
  ) {}

  async view(): Promise<ClusterView> {
    await this.node.beatOnce();
    const leases = await this.db.query<{
      id: string;
      tenant_id: string;
      name: string;
      enabled: boolean;
      node_id: string | null;
      state: string | null;
      since: string | null;
      shared: boolean;
    }>(
      `SELECT i.id, i.tenant_id, i.name, i.enabled, l.node_id, l.state, (extract(epoch FROM l.acquired_at) * 1000)::bigint AS since,
              coalesce((i.configuration->>'sharedSubscription')::boolean, false) AS shared
       FROM integration i LEFT JOIN integration_lease l ON l.integration_id = i.id
       WHERE i.enabled OR l.node_id IS NOT NULL ORDER BY i.name`,
    );
    const alive = new Set(this.node.alive);
    return {
      self: this.node.id,
      heartbeatMs: this.node.heartbeatMs,
      nodeTimeoutMs: this.node.timeoutMs,
      nodes: this.node.nodes.map(({ alive, stopping, ...n }) => ({
        ...n,
        status: stopping ? ('STOPPING' as const) : alive ? ('ALIVE' as const) : ('GONE' as const),
        integrations: leases
          .filter((l) => l.node_id === n.id)
          .map((l) => ({
            id: l.id,
            tenantId: l.tenant_id,
            name: l.name,
            state: l.state ?? 'CONNECTING',
            since: Number(l.since),
          })),
      })),
      shared: leases
        .filter((l) => l.enabled && l.shared)
        .map((l) => ({ id: l.id, tenantId: l.tenant_id, name: l.name })),
      unassigned: leases
        .filter((l) => l.enabled && !l.shared && (!l.node_id || !alive.has(l.node_id)))
        .map((l) => ({ id: l.id, tenantId: l.tenant_id, name: l.name })),
    };
  }
}
