import { Logger } from '@nestjs/common';
import type { ClusterNodeInfo, ClusterNodeLoad } from '@bridgeboard/contracts';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { Db } from '../../database/db.js';

export interface NodeRow extends ClusterNodeInfo {
  alive: boolean;
  stopping: boolean;
}

/** A generated node id: the host, the process and a few random characters (a restart is a new node). */
export const generatedNodeId = () =>
  `${os
    .hostname()
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 40)}-${process.pid}-${randomBytes(2).toString('hex')}`;

/**
 * This node in the cluster_node table: registers on start, writes a heartbeat every
 * CLUSTER_HEARTBEAT_MS and reads who else is alive (heartbeat within CLUSTER_NODE_TIMEOUT_BEATS
 * beats, by the database's clock, so the nodes' clocks need not agree). A node that could not
 * write its heartbeat for that long is *fenced*: the others may have taken its work, so it must
 * stop running integrations until it can write again.
 */
export class ClusterNode {
  private readonly log = new Logger('cluster');
  private timer: NodeJS.Timeout | null = null;
  private lastOk = Date.now();
  private beating: Promise<void> = Promise.resolve();
  private stopping = false;
  private cpu = process.cpuUsage();
  private cpuAt = Date.now();
  private beats = 0;
  private failing: string | null = null;
  /** alive nodes (not stopping) as of the last heartbeat, this one included while it runs */
  alive: string[] = [];
  nodes: NodeRow[] = [];
  /** extra load figures a module reports (e.g. running integrations) */
  readonly loadOf = new Map<string, () => number>();
  /** 'beat' after every heartbeat written (or failed: fenced() says which) */
  readonly events = new EventEmitter<{ beat: [] }>();

  constructor(
    private readonly db: Db,
    readonly id: string,
    readonly heartbeatMs: number,
    readonly timeoutBeats: number,
    private readonly info: { port: () => number; version: string },
  ) {}

  get timeoutMs(): number {
    return this.heartbeatMs * this.timeoutBeats;
  }

  /**
   * True while the last heartbeat written is older than the timeout and other nodes were alive then: they
   * count this one gone and may take its integrations over. A node that was alone keeps going (a database
   * outage then holds its batches, as without a cluster: nobody else could take over anyway).
   */
  get fenced(): boolean {
    return Date.now() - this.lastOk > this.timeoutMs && this.alive.some((n) => n !== this.id);
  }

  async start(): Promise<void> {
    const [prev] = await this.db.query<{ alive: boolean; pid: number; host: string }>(
      `SELECT heartbeat_at > now() - make_interval(secs => $2::float8 / 1000) AND NOT stopping AS alive, pid, host FROM cluster_node WHERE id = $1`,
      [this.id, this.timeoutMs],
    );
    if (prev?.alive && (prev.pid !== process.pid || prev.host !== os.hostname()))
      this.log.warn(
        `Another process (${prev.host}, pid ${prev.pid}) heartbeats as node '${this.id}': give every node its own NODE_ID`,
      );
    await this.beat();
    this.timer = setInterval(() => void this.beatOnce(), this.heartbeatMs);
    this.timer.unref();
  }

  /** One heartbeat now (also what the timer does); runs one at a time. */
  beatOnce(): Promise<void> {
    this.beating = this.beating.then(() => this.beat()).catch(() => undefined);
    return this.beating;
  }

  /** From now on the other nodes do not count this one (a graceful stop hands its work over). */
  async leave(): Promise<void> {
    this.stopping = true;
    await this.beatOnce();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.db.query('DELETE FROM cluster_node WHERE id = $1', [this.id]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const load = this.load();
    try {
      const rows = await this.db.query<{
        id: string;
        host: string;
        pid: number;
        port: number;
        version: string;
        started: string;
        beat: string;
        alive: boolean;
        stopping: boolean;
        load: ClusterNodeLoad;
      }>(
        `WITH me AS (
           INSERT INTO cluster_node (id, host, pid, port, version, load, stopping) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), load = EXCLUDED.load, stopping = EXCLUDED.stopping,
             host = EXCLUDED.host, pid = EXCLUDED.pid, port = EXCLUDED.port, version = EXCLUDED.version,
             started_at = CASE WHEN cluster_node.pid = EXCLUDED.pid AND cluster_node.host = EXCLUDED.host THEN cluster_node.started_at ELSE now() END
           RETURNING id
         )
         SELECT id, host, pid, port, version, (extract(epoch FROM started_at) * 1000)::bigint AS started,
                (extract(epoch FROM heartbeat_at) * 1000)::bigint AS beat,
                heartbeat_at > now() - make_interval(secs => $8::float8 / 1000) AS alive, stopping, load
         FROM cluster_node WHERE id <> $1
         UNION ALL
         SELECT $1, $2, $3, $4, $5, (extract(epoch FROM now()) * 1000)::bigint, (extract(epoch FROM now()) * 1000)::bigint, true, $7, $6::jsonb
         FROM me
         ORDER BY id`,
        [
          this.id,
          os.hostname(),
          process.pid,
          this.info.port(),
          this.info.version,
          JSON.stringify(load),
          this.stopping,
          this.timeoutMs,
        ],
      );
      this.lastOk = Date.now();
      this.nodes = rows.map((r) => ({
        id: r.id,
        host: r.host,
        pid: r.pid,
        port: r.port,
        version: r.version,
        startedTime: Number(r.started),
        lastHeartbeat: Number(r.beat),
        alive: r.alive,
        stopping: r.stopping,
        load: r.load,
      }));
      this.alive = this.nodes.filter((n) => n.alive && !n.stopping).map((n) => n.id);
      if (this.failing) this.log.log('Heartbeats are written again');
      this.failing = null;
      if (++this.beats % 30 === 0) await this.cleanup();
    } catch (e) {
      const text = (e as Error).message;
      if (text !== this.failing)
        this.log.warn(
          `Could not write this node's heartbeat: ${text}${this.fenced ? ' (other nodes may take its integrations over)' : ''}`,
        );
      this.failing = text;
    }
    this.events.emit('beat');
  }

  /** Nodes gone for long and cluster messages nobody needs any more (any node may do it; it is idempotent). */
  private async cleanup(): Promise<void> {
    await this.db.query(`DELETE FROM cluster_node WHERE heartbeat_at < now() - interval '1 hour'`);
    await this.db.query(`DELETE FROM cluster_message WHERE created_at < now() - interval '1 minute'`);
  }

  private load(): ClusterNodeLoad {
    const now = Date.now();
    const used = process.cpuUsage(this.cpu);
    const cpuPercent =
      Math.round(((used.user + used.system) / 1000 / Math.max(1, now - this.cpuAt)) * 1000) / 10;
    this.cpu = process.cpuUsage();
    this.cpuAt = now;
    const out: ClusterNodeLoad = { rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), cpuPercent };
    for (const [k, f] of this.loadOf) (out as Record<string, number>)[k] = f();
    return out;
  }
}
