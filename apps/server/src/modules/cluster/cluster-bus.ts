import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AppError, ErrorCode } from '../../common/errors.js';
import type { Db } from '../../database/db.js';

/** Postgres channel every node listens on. */
export const CHANNEL = 'bridgeboard_cluster';
/** NOTIFY payloads must stay under 8000 bytes; larger messages go through the cluster_message table. */
const MAX_INLINE = 7000;
const CALL_TIMEOUT_MS = 10_000;

export interface BusMessage {
  type: string;
  /** the sending node (set by send) */
  from?: string;
  /** only this node handles it; absent = every other node */
  to?: string;
  [k: string]: unknown;
}
type Handler = (m: BusMessage) => void;
type Server = (body: Record<string, unknown>, from: string) => Promise<unknown>;

/**
 * The nodes' message bus over Postgres LISTEN/NOTIFY: one dedicated connection listens, sends go
 * through the pool. A node does not hear its own messages. Calls are request/reply pairs addressed to
 * one node; a failed call rejects with the AppError the other node threw (status, code, sentence).
 * After a lost connection it reconnects and tells 'resync' handlers: notifications sent meanwhile
 * are lost, so state must be read again from the tables.
 */
export class ClusterBus {
  private readonly log = new Logger('cluster');
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly servers = new Map<string, Server>();
  private readonly calls = new Map<
    string,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();
  private closed = false;
  private retryMs = 200;

  constructor(
    private readonly db: Db,
    readonly nodeId: string,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  /** Handles messages of one type from other nodes. */
  on(type: string, h: Handler): void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(h);
  }

  /** Answers calls of one method from other nodes (one server per method). */
  serve(method: string, s: Server): void {
    this.servers.set(method, s);
  }

  /** Tells other nodes (or one, with `to`); failures are logged, not thrown: the tables stay the truth. */
  async send(m: BusMessage): Promise<void> {
    let text = JSON.stringify({ ...m, from: this.nodeId });
    if (Buffer.byteLength(text) > MAX_INLINE) {
      const ref = randomUUID();
      await this.db.query('INSERT INTO cluster_message (id, body) VALUES ($1, $2)', [ref, text]);
      text = JSON.stringify({ type: m.type, to: m.to, from: this.nodeId, ref });
    }
    await this.db.query('SELECT pg_notify($1, $2)', [CHANNEL, text]);
  }

  /** Calls `method` on node `to`; resolves with its result, rejects with its error or after 10 s. */
  call<T>(
    to: string,
    method: string,
    body: Record<string, unknown>,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<T> {
    const callId = randomUUID();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(callId);
        reject(
          new AppError(504, ErrorCode.TIMEOUT, `Node '${to}' did not answer within ${timeoutMs / 1000} s`),
        );
      }, timeoutMs);
      this.calls.set(callId, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ type: 'call', to, method, callId, body }).catch((e: Error) => {
        clearTimeout(timer);
        this.calls.delete(callId);
        reject(e);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.calls.values()) {
      clearTimeout(c.timer);
      c.reject(new AppError(503, ErrorCode.GENERAL, 'This node is stopping'));
    }
    this.calls.clear();
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async connect(): Promise<void> {
    const url = (this.db.dataSource.options as { url?: string }).url;
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (this.client !== c || this.closed) return;
      this.client = null;
      this.log.warn(`Lost the cluster channel; reconnecting in ${this.retryMs} ms`);
      this.reconnectLater();
    });
    c.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) void this.receive(n.payload);
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    this.client = c;
    this.retryMs = 200;
  }

  private reconnectLater(): void {
    const t = setTimeout(() => {
      if (this.closed) return;
      this.connect().then(
        () => {
          this.log.log('Cluster channel back');
          this.dispatch({ type: 'resync' });
        },
        (e: Error) => {
          this.retryMs = Math.min(this.retryMs * 2, 5000);
          this.log.warn(`Cluster channel: ${e.message}; retrying in ${this.retryMs} ms`);
          this.reconnectLater();
        },
      );
    }, this.retryMs);
    t.unref();
  }

  private async receive(payload: string): Promise<void> {
    let m: BusMessage;
    try {
      m = JSON.parse(payload) as BusMessage;
      if (m.from === this.nodeId || (m.to && m.to !== this.nodeId)) return;
      if (typeof m.ref === 'string') {
        const [row] = await this.db.query<{ body: string }>(
          'SELECT body FROM cluster_message WHERE id = $1',
          [m.ref],
        );
        if (!row) {
          // kept a minute (ClusterNode cleanup): a node that reads it later has lost it; a call times out (504)
          this.log.warn(`Cluster message '${String(m.type)}' from node '${String(m.from)}' lost: its body (over 7 kB) is no longer stored`);
          return;
        }
        m = JSON.parse(row.body) as BusMessage;
      }
    } catch (e) {
      this.log.warn(`Unreadable cluster message dropped: ${(e as Error).message}`);
      return;
    }
    if (m.type === 'call') return this.answer(m);
    if (m.type === 'reply') return this.settle(m);
    this.dispatch(m);
  }

  private dispatch(m: BusMessage): void {
    for (const h of this.handlers.get(m.type) ?? []) {
      try {
        h(m);
      } catch (e) {
        this.log.warn(`Cluster message '${m.type}' failed: ${(e as Error).message}`);
      }
    }
  }

  private async answer(m: BusMessage): Promise<void> {
    const s = this.servers.get(String(m.method));
    let reply: BusMessage;
    try {
      if (!s)
        throw new AppError(
          501,
          ErrorCode.GENERAL,
          `Node '${this.nodeId}' does not serve '${String(m.method)}'`,
        );
      const result = await s((m.body ?? {}) as Record<string, unknown>, String(m.from));
      reply = { type: 'reply', to: m.from, callId: m.callId, ok: true, result: result ?? null };
    } catch (e) {
      const err = e instanceof AppError ? e : new AppError(500, ErrorCode.GENERAL, (e as Error).message);
      reply = {
        type: 'reply',
        to: m.from,
        callId: m.callId,
        ok: false,
        error: { status: err.status, code: err.errorCode, message: err.message },
      };
    }
    await this.send(reply).catch((e: Error) =>
      this.log.warn(`Could not answer node '${String(m.from)}': ${e.message}`),
    );
  }

  private settle(m: BusMessage): void {
    const c = this.calls.get(String(m.callId));
    if (!c) return;
    this.calls.delete(String(m.callId));
    clearTimeout(c.timer);
    if (m.ok) return c.resolve(m.result);
    const e = m.error as { status: number; code: number; message: string };
    c.reject(new AppError(e.status, e.code, e.message));
  }
}
