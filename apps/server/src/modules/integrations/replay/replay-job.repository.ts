import type { ReplayJob, ReplayJobStatus, ReplayRequest } from '@bridgeboard/contracts';
import type { Db } from '../../../database/db.js';
import { newId } from '../../../common/ids.js';

interface Row {
  id: string;
  status: ReplayJobStatus;
  dry_run: boolean;
  total: number;
  processed: number;
  created_time: string;
  finished_time: string | null;
  result: ReplayJob['result'];
  error: string | null;
}

const toJob = (r: Row): ReplayJob => ({
  id: r.id,
  status: r.status,
  dryRun: r.dry_run,
  total: r.total,
  processed: r.processed,
  createdTime: Number(r.created_time),
  finishedTime: r.finished_time == null ? null : Number(r.finished_time),
  result: r.result,
  error: r.error,
});

/** Replay jobs in Postgres, so whichever node a request reaches can answer for (and cancel) a job. */
export class ReplayJobRepository {
  constructor(private readonly db: Db) {}

  /** `nodeId`: the cluster node that runs it (cluster_node.id). */
  async create(tenantId: string, converterId: string, req: ReplayRequest, total: number, nodeId: string): Promise<string> {
    const id = newId();
    await this.db.query(
      `INSERT INTO replay_job (id, tenant_id, converter_id, status, dry_run, request, total, processed, created_time, node_id)
       VALUES ($1, $2, $3, 'RUNNING', $4, $5, $6, 0, $7, $8)`,
      [id, tenantId, converterId, req.dryRun, JSON.stringify(req), total, Date.now(), nodeId],
    );
    return id;
  }

  /**
   * The job; a RUNNING one whose node has written no heartbeat for `nodeTimeoutMs` (by the database's
   * clock, as the cluster counts nodes alive) died with it: it is marked FAILED first, with what it did.
   */
  async find(tenantId: string, converterId: string, id: string, nodeTimeoutMs: number): Promise<ReplayJob | null> {
    await this.db.query(
      `UPDATE replay_job j SET status = 'FAILED', finished_time = $4,
              error = 'The server running the job (' || j.node_id || ') stopped after ' || j.processed || ' message(s); run the replay again for the rest'
        WHERE j.tenant_id = $1 AND j.converter_id = $2 AND j.id = $3 AND j.status = 'RUNNING' AND j.node_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM cluster_node n WHERE n.id = j.node_id AND n.heartbeat_at > now() - make_interval(secs => $5::float8 / 1000))`,
      [tenantId, converterId, id, Date.now(), nodeTimeoutMs],
    );
    const [r] = await this.db.query<Row>('SELECT * FROM replay_job WHERE tenant_id = $1 AND converter_id = $2 AND id = $3', [tenantId, converterId, id]);
    return r ? toJob(r) : null;
  }

  /** Writes the progress; false when the job is no longer running (cancelled from any node). */
  async progress(id: string, processed: number): Promise<boolean> {
    const r = await this.db.query("UPDATE replay_job SET processed = $2 WHERE id = $1 AND status = 'RUNNING' RETURNING id", [id, processed]);
    return r.length > 0;
  }

  /** Ends a running job; a job cancelled (or found dead) meanwhile keeps its status and error (its result is still written). */
  async finish(id: string, status: 'DONE' | 'FAILED', processed: number, result: ReplayJob['result'], error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE replay_job SET status = CASE WHEN status = 'RUNNING' THEN $2 ELSE status END, processed = $3, result = $4, error = COALESCE(error, $5),
              finished_time = COALESCE(finished_time, $6)
        WHERE id = $1`,
      [id, status, processed, result == null ? null : JSON.stringify(result), error, Date.now()],
    );
  }

  /** Marks a running job CANCELLED; its runner stops at its next batch. */
  async cancel(tenantId: string, converterId: string, id: string): Promise<void> {
    await this.db.query(
      "UPDATE replay_job SET status = 'CANCELLED', finished_time = $4 WHERE tenant_id = $1 AND converter_id = $2 AND id = $3 AND status = 'RUNNING'",
      [tenantId, converterId, id, Date.now()],
    );
  }
}
