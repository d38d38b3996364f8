/** GET /api/cluster (system administrator): the nodes sharing one database, their load and what each runs. */
export interface ClusterNodeLoad {
  integrations?: number;
  rssMb?: number;
  /** process CPU time since the previous heartbeat, % of one core */
  cpuPercent?: number;
  /** open live-update connections */
  sockets?: number;
}

/** One node as its heartbeat row tells it. */
export interface ClusterNodeInfo {
  id: string;
  host: string;
  pid: number;
  port: number;
  version: string;
  startedTime: number;
  lastHeartbeat: number;
  load: ClusterNodeLoad;
}

export interface ClusterView {
  /** the node that answered */
  self: string;
  heartbeatMs: number;
  /** a node without a heartbeat for this long is gone and its integrations are taken over */
  nodeTimeoutMs: number;
  nodes: (ClusterNodeInfo & {
    status: 'ALIVE' | 'STOPPING' | 'GONE';
    integrations: { id: string; tenantId: string; name: string; state: string; since: number }[];
  })[];
  /** enabled integrations with a shared subscription: every alive node runs them */
  shared: { id: string; tenantId: string; name: string }[];
  /** enabled integrations no alive node runs at the moment (being taken over) */
  unassigned: { id: string; tenantId: string; name: string }[];
}
