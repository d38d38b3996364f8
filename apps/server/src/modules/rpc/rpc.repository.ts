import type { PageData, PageQuery, Rpc, RpcStatus } from '@bridgeboard/contracts';
import { finalRpcStatuses } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';
import { entityId } from '../../common/ids.js';
import { orderBy, sortColumns, toPage } from '../../common/paging.js';

const SORT = sortColumns({
  createdTime: 'created_time',
  expirationTime: 'expiration_time',
  status: 'status',
});

interface RpcRow {
  id: string;
  created_time: string;
  tenant_id: string;
  device_id: string;
  expiration_time: string;
  oneway: boolean;
  request: StoredRequest;
  response: unknown;
  status: RpcStatus;
  additional_info: unknown;
  out_integration_id: string | null;
  out_topic: string | null;
  out_payload: Buffer | null;
}

/** The request as kept: ThingsBoard's shape plus what is needed to send it again after a restart. */
export interface StoredRequest {
  id: string;
  oneway: boolean;
  persisted: true;
  body: { method: string; params: string };
  requestId: number;
}

export interface OpenRpc {
  id: string;
  tenantId: string;
  deviceId: string;
  createdTime: number;
  expirationTime: number;
  oneway: boolean;
  request: StoredRequest;
  status: RpcStatus;
  out: { integrationId: string; topic: string; payload: Buffer } | null;
}

const toRpc = (r: RpcRow): Rpc => ({
  id: { entityType: 'RPC', id: r.id },
  createdTime: Number(r.created_time),
  tenantId: entityId('TENANT', r.tenant_id),
  deviceId: entityId('DEVICE', r.device_id),
  expirationTime: Number(r.expiration_time),
  request: { id: r.request.id, oneway: r.request.oneway, persisted: true, body: r.request.body },
  response: r.response ?? null,
  status: r.status,
  additionalInfo: r.additional_info ?? null,
});

const toOpen = (r: RpcRow): OpenRpc => ({
  id: r.id,
  tenantId: r.tenant_id,
  deviceId: r.device_id,
  createdTime: Number(r.created_time),
  expirationTime: Number(r.expiration_time),
  oneway: r.oneway,
  request: r.request,
  status: r.status,
  out:
    r.out_integration_id && r.out_topic && r.out_payload
      ? { integrationId: r.out_integration_id, topic: r.out_topic, payload: r.out_payload }
      : null,
});

const FINAL = `(${finalRpcStatuses.map((s) => `'${s}'`).join(', ')})`;

/**
 * Persistent RPC calls. A final status is written at most once (every update checks the row is still open).
 * `node`: this cluster node, written on a call it inserts or sends (rpc.node_id).
 */
export class RpcRepository {
  constructor(
    private readonly db: Db,
    readonly node: string | null = null,
  ) {}

  async insert(r: {
    id: string;
    tenantId: string;
    deviceId: string;
    expirationTime: number;
    request: StoredRequest;
    additionalInfo: unknown;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO rpc (id, created_time, tenant_id, device_id, expiration_time, oneway, request, status, additional_info, node_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'QUEUED', $8, $9)`,
      [
        r.id,
        Date.now(),
        r.tenantId,
        r.deviceId,
        r.expirationTime,
        r.request.oneway,
        JSON.stringify(r.request),
        r.additionalInfo == null ? null : JSON.stringify(r.additionalInfo),
        this.node,
      ],
    );
  }

  async get(tenantId: string, id: string): Promise<Rpc | null> {
    const [r] = await this.db.query<RpcRow>('SELECT * FROM rpc WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return r ? toRpc(r) : null;
  }

  async pageByDevice(
    tenantId: string,
    deviceId: string,
    p: PageQuery,
    status?: RpcStatus,
  ): Promise<PageData<Rpc>> {
    const where = 'tenant_id = $1 AND device_id = $2 AND ($3::text IS NULL OR status = $3)';
    const args = [tenantId, deviceId, status ?? null];
    const rows = await this.db.query<RpcRow>(
      `SELECT * FROM rpc WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $4 OFFSET $5`,
      [...args, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM rpc WHERE ${where}`, args);
    return toPage(rows.map(toRpc), Number(c!.n), p);
  }

  /** Moves an open call from one of `from` to `to`; false when it was elsewhere (e.g. already final). */
  async transition(id: string, from: RpcStatus[], to: RpcStatus): Promise<boolean> {
    // the node that sends a call is the one that answers for it (open: a call whose node is gone is taken over)
    const r = await this.db.query(
      `UPDATE rpc SET status = $3, node_id = CASE WHEN $3 = 'SENT' THEN $4 ELSE node_id END
       WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [id, from, to, this.node],
    );
    return r.length > 0;
  }

  /**
   * Open calls left behind by the previous run (`mine`: at start), or by a node of the cluster that is gone:
   * not yet sent (QUEUED without a payload: inserted, never dispatched), SENT (maybe published, maybe not)
   * or DELIVERED (waiting for the reply). They become this node's; two nodes never take the same call.
   * Whether a call's node is gone is decided in the same statement, from its heartbeat (within `timeoutMs`,
   * by the database's clock), not from what the caller last read: a node that joined since, or whose
   * heartbeat this node has not read yet, keeps its calls. `timeoutMs` null (no cluster): every open call.
   */
  async open(o: { mine: boolean; timeoutMs: number | null }): Promise<OpenRpc[]> {
    const rows = await this.db.query<RpcRow>(
      `UPDATE rpc SET node_id = $1
       WHERE (status IN ('SENT', 'DELIVERED') OR (status = 'QUEUED' AND out_integration_id IS NULL))
         AND expiration_time >= $3
         AND ($2::float8 IS NULL OR node_id IS NULL OR ($4 AND node_id = $1)
              OR (node_id <> $1 AND NOT EXISTS (
                    SELECT 1 FROM cluster_node n
                    WHERE n.id = rpc.node_id AND n.heartbeat_at > now() - make_interval(secs => $2::float8 / 1000))))
       RETURNING *`,
      [this.node, o.timeoutMs, Date.now(), o.mine],
    );
    return rows.map(toOpen).sort((a, b) => a.createdTime - b.createdTime);
  }

  /** Writes the final status unless the call already has one (or is not in `from`); true when this call wrote it. */
  async finish(id: string, status: RpcStatus, response: unknown, from?: RpcStatus[]): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE rpc SET status = $2, response = $3, out_payload = NULL
       WHERE id = $1 AND status NOT IN ${FINAL} AND ($4::text[] IS NULL OR status = ANY($4::text[])) RETURNING id`,
      [id, status, response === undefined ? null : JSON.stringify(response), from ?? null],
    );
    return r.length > 0;
  }

  /** Back to QUEUED with the encoded payload, to publish once the integration connects. */
  async queueOutbound(
    id: string,
    out: { integrationId: string; topic: string; payload: Buffer },
  ): Promise<void> {
    await this.db.query(
      `UPDATE rpc SET status = 'QUEUED', out_integration_id = $2, out_topic = $3, out_payload = $4 WHERE id = $1 AND status NOT IN ${FINAL}`,
      [id, out.integrationId, out.topic, out.payload],
    );
  }

  async queuedOutbound(now: number): Promise<OpenRpc[]> {
    const rows = await this.db.query<RpcRow>(
      `SELECT * FROM rpc WHERE status = 'QUEUED' AND out_integration_id IS NOT NULL AND expiration_time >= $1 ORDER BY created_time LIMIT 500`,
      [now],
    );
    return rows.map(toOpen);
  }

  /** QUEUED past expiry → EXPIRED; SENT/DELIVERED past expiry → TIMEOUT. Returns the ids that ended. */
  async expire(now: number): Promise<{ id: string; status: RpcStatus }[]> {
    return this.db.query<{ id: string; status: RpcStatus }>(
      `UPDATE rpc SET status = CASE WHEN status = 'QUEUED' THEN 'EXPIRED' ELSE 'TIMEOUT' END, out_payload = NULL
       WHERE status IN ('QUEUED', 'SENT', 'DELIVERED') AND expiration_time < $1 RETURNING id, status`,
      [now],
    );
  }
}
