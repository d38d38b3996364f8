import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import {
  LIVE_SESSION_ENDED,
  liveSubscribeSchema,
  type LiveAck,
  type LiveEventName,
  type LiveEvents,
  type LiveSessionEnded,
} from '@bridgeboard/contracts';
import { AppError } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuthService } from '../auth/auth.service.js';
import type { SecurityUser } from '../auth/security.js';
import { LIVE_ROOM_CHECKERS, PLATFORM_EVENTS, type LiveRoomCheckers, type PlatformEvents, type RoomKind } from '../../common/ports.js';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Db } from '../../database/db.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { ClusterBus } from '../cluster/cluster-bus.js';
import { RemoteRooms } from '../cluster/remote-rooms.js';

/** Who a connection acts for, and until when (its access token's expiry, ms). */
interface LiveSession {
  user: SecurityUser;
  token: string;
  expiresAt: number;
}
const sessionOf = (socket: Socket) => socket.data.session as LiveSession;
/** setTimeout's longest delay */
const MAX_TIMER_MS = 2 ** 31 - 1;


/**
 * Live updates over socket.io (path /socket.io, same HTTP server). The handshake carries the
 * access token (`auth: {token}`); a socket joins rooms only for its own tenant's entities, and
 * every room is namespaced by tenant internally so no event can cross tenants.
 *
 * A connection lives only as long as its rights: it is closed when its token expires, at once when
 * its user or tenant is deleted, and within LIVE_RECHECK_SEC when its user is disabled; every
 * subscribe checks the token and the user again. It gets `sessionEnded` {reason} before it is closed.
 */
@WebSocketGateway({ path: '/socket.io', cors: { origin: true, credentials: true } })
export class LiveGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() server!: Server;
  private readonly log = new Logger('live');
  private recheckTimer: NodeJS.Timeout | null = null;
  private remoteRooms: RemoteRooms | null = null;

  constructor(
    private readonly auth: AuthService,
    @Inject(LIVE_ROOM_CHECKERS) private readonly checkers: LiveRoomCheckers,
    @Inject(PLATFORM_EVENTS) platform: PlatformEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Db,
    private readonly node: ClusterNode,
    private readonly bus: ClusterBus,
  ) {
    platform.on('userDeleted', (userId) => this.end((s) => s.user.userId === userId, 'Your user was deleted'));
    platform.on('tenantDeleted', (tenantId) => this.end((s) => s.user.tenantId === tenantId, 'Your tenant was deleted'));
  }

  afterInit(server: Server): void {
    // a socket on any node gets what any node emits (socket.io's Postgres adapter, LISTEN/NOTIFY on the shared database)
    const pool = this.db.pool;
    // the adapter keeps one pooled connection for LISTEN and does not handle its 'error' event: a lost database
    // connection would be an unhandled error; it reconnects by itself on 'end'
    const guarded = {
      query: pool.query.bind(pool),
      connect: async () => {
        const c = await pool.connect();
        // nor does it give back a connection that died: the pool would wait for it forever when it closes
        const release = c.release.bind(c);
        let released = false;
        c.release = ((err?: Error | boolean) => {
          if (released) return;
          released = true;
          release(err);
        }) as typeof c.release;
        c.on('error', (e: Error) => this.log.warn(`Live updates between nodes: ${e.message}`));
        c.on('end', () => c.release(true));
        return c;
      },
    } as unknown as typeof pool;
    server.adapter(
      createAdapter(guarded, {
        errorHandler: (e) => this.log.warn(`Live updates between nodes: ${e.message}`),
      }),
    );
    this.node.loadOf.set('sockets', () => server.sockets.sockets.size);
    // the rooms of this node the others must know (a socket's own room, its id, has no '|')
    const adapter = server.of('/').adapter;
    const ours = (room: string) => room.includes('|');
    const rooms = (this.remoteRooms = new RemoteRooms(this.bus, this.node, () => [...adapter.rooms.keys()].filter(ours)));
    adapter.on('create-room', (room: string) => ours(room) && rooms.created(room));
    adapter.on('delete-room', (room: string) => ours(room) && rooms.deleted(room));
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token ?? bearerOf(socket.handshake.headers);
      if (typeof token !== 'string' || !token) return next(new Error('Authentication failed: no token (connect with auth: {token})'));
      this.auth
        .session(token)
        .then(({ user, expiresAt }) => {
          if (!user.tenantId) throw new Error('Live updates need a tenant administrator');
          socket.data.session = { user, token, expiresAt } satisfies LiveSession;
          next();
        })
        .catch((e: Error) => next(new Error(`Authentication failed: ${e.message}`)));
    });
    server.on('connection', (socket) => this.onConnection(socket));
    this.recheckTimer = setInterval(() => void this.recheck(), this.config.LIVE_RECHECK_SEC * 1000);
    this.recheckTimer.unref();
  }

  private onConnection(socket: Socket): void {
    const session = sessionOf(socket);
    const tenantId = session.user.tenantId!;
    const expiry = setTimeout(
      () => this.endOne(socket, 'Your access token has expired: connect again with a new one'),
      Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAt - Date.now())),
    );
    socket.on('disconnect', () => clearTimeout(expiry));
    socket.on('subscribe', (msg: unknown, ack?: (a: LiveAck) => void) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      this.revoked(socket)
        .then(async (reason) => {
          if (reason) {
            reply({ ok: false, error: reason });
            return this.endOne(socket, reason);
          }
          const r = await this.allowed(tenantId, msg);
          if (r.ok && socket.connected) await socket.join(`${tenantId}|${r.room}`);
          reply(r.ok ? { ok: true } : { ok: false, error: r.error });
        })
        .catch((e: Error) => reply({ ok: false, error: e.message }));
    });
    socket.on('unsubscribe', (msg: unknown, ack?: (a: LiveAck) => void) => {
      const p = liveSubscribeSchema.safeParse(msg);
      if (p.success) void socket.leave(`${tenantId}|${p.data.room}`);
      if (typeof ack === 'function') ack(p.success ? { ok: true } : { ok: false, error: p.error.issues[0]!.message });
    });
  }

  private async allowed(tenantId: string, msg: unknown): Promise<{ ok: true; room: string } | { ok: false; error: string }> {
    const p = liveSubscribeSchema.safeParse(msg);
    if (!p.success) return { ok: false, error: p.error.issues[0]!.message };
    const room = p.data.room;
    if (room === 'tenant') return { ok: true, room };
    const [kind, id] = room.split(':') as [RoomKind, string];
    const check = this.checkers.checker(kind);
    if (!check) return { ok: false, error: `Live updates for ${kind} are not available` };
    if (!(await check(tenantId, id))) return { ok: false, error: `No ${kind} with id ${id} in your tenant` };
    return { ok: true, room };
  }

  /** Checks the connection's token and user again: why its rights ended, or null while they hold. */
  private async revoked(socket: Socket): Promise<string | null> {
    const s = sessionOf(socket);
    if (Date.now() >= s.expiresAt) return 'Your access token has expired: connect again with a new one';
    try {
      await this.auth.authenticate(s.token);
      return null;
    } catch (e) {
      // a database that does not answer is not a revocation: the subscribe fails, the connection stays
      if (!(e instanceof AppError) || e.status !== 401) throw e;
      return `Your access is no longer valid: ${e.message}`;
    }
  }

  /** Every LIVE_RECHECK_SEC: one query for the users of all open connections; the connections of missing or disabled users end. */
  private async recheck(): Promise<void> {
    const sockets = [...(this.server?.sockets.sockets.values() ?? [])];
    if (!sockets.length) return;
    try {
      const active = await this.auth.activeUsers([...new Set(sockets.map((s) => sessionOf(s).user.userId))]);
      const now = Date.now();
      for (const s of sockets) {
        const sess = sessionOf(s);
        if (now >= sess.expiresAt) this.endOne(s, 'Your access token has expired: connect again with a new one');
        else if (!active.has(sess.user.userId)) this.endOne(s, 'Your user no longer exists or was disabled');
      }
    } catch (e) {
      this.log.warn(`Could not re-check live connections: ${(e as Error).message}; trying again in ${this.config.LIVE_RECHECK_SEC} s`);
    }
  }

  /** Ends every connection whose session matches. */
  private end(match: (s: LiveSession) => boolean, reason: string): void {
    for (const socket of this.server?.sockets.sockets.values() ?? []) if (match(sessionOf(socket))) this.endOne(socket, reason);
  }

  private endOne(socket: Socket, reason: string): void {
    if (!socket.connected) return;
    socket.emit(LIVE_SESSION_ENDED, { reason } satisfies LiveSessionEnded);
    socket.disconnect(true);
  }

  /** Sends an event to the sockets of one tenant that joined any of `rooms` (each socket once). */
  emitToRoom<E extends LiveEventName>(tenantId: string, room: string | string[], event: E, payload: LiveEvents[E]): void {
    if (!this.server) return;
    this.emitTo((Array.isArray(room) ? room : [room]).map((r) => `${tenantId}|${r}`), event, payload);
  }

  /**
   * To a device's room and its tenant's room. Ingest emits this per device per batch: the two room
   * names are made once per device and kept (the same string objects each time, so their hashes are
   * computed once for every room lookup after).
   */
  emitToDevice<E extends LiveEventName>(tenantId: string, deviceId: string, event: E, payload: LiveEvents[E]): void {
    if (!this.server) return;
    let known = this.deviceRooms.get(deviceId);
    if (known?.tenantId !== tenantId) {
      if (this.deviceRooms.size >= 100_000) this.deviceRooms.clear();
      known = { tenantId, rooms: [`${tenantId}|device:${deviceId}`, `${tenantId}|tenant`] };
      this.deviceRooms.set(deviceId, known);
    }
    this.emitTo(known.rooms, event, payload);
  }

  private readonly deviceRooms = new Map<string, { tenantId: string; rooms: string[] }>();

  private emitTo<E extends LiveEventName>(rooms: string[], event: E, payload: LiveEvents[E]): void {
    if (!this.server) return;
    // a socket on another node is in one of the rooms: the adapter takes the event there
    if (this.remoteRooms?.has(rooms)) return void this.server.to(rooms).emit(event, payload);
    // Ingest emits per device per batch; encoding a packet nobody receives was a measurable cost (docs/performance.md).
    const joined = this.server.sockets.adapter.rooms;
    if (!rooms.some((r) => joined.has(r))) return;
    this.server.local.to(rooms).emit(event, payload);
  }

  /**
   * Who an event to `rooms` reached: the sockets of THIS node in any of them (each once, as
   * emitToRoom sends), the rooms that had one here, and how many other nodes have a socket there
   * (the Postgres adapter took the event to them; their sockets are counted there, not here).
   */
  audience(tenantId: string, rooms: string[]): { sockets: number; rooms: string[]; otherNodes: number } {
    const joined = this.server?.sockets.adapter.rooms;
    const sockets = new Set<string>();
    const here: string[] = [];
    for (const r of rooms) {
      const ids = joined?.get(`${tenantId}|${r}`);
      if (!ids?.size) continue;
      here.push(r);
      for (const id of ids) sockets.add(id);
    }
    return { sockets: sockets.size, rooms: here, otherNodes: this.remoteRooms?.nodesIn(rooms.map((r) => `${tenantId}|${r}`)) ?? 0 };
  }

  /** This node's id in the cluster. */
  get nodeId(): string {
    return this.node.id;
  }

  onModuleDestroy(): void {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    // this node's sockets only: the adapter would take a plain disconnectSockets to every node
    this.server?.local.disconnectSockets(true);
  }
}

function bearerOf(headers: Record<string, string | string[] | undefined>): string | null {
  const h = headers['x-authorization'] ?? headers['authorization'];
  const v = Array.isArray(h) ? h[0] : h;
  const m = v && /^Bearer\s+(.+)$/i.exec(v.trim());
  return m ? m[1]! : null;
}
