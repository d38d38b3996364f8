import { type OnModuleDestroy } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { liveSubscribeSchema, type LiveAck, type LiveEventName, type LiveEvents } from '@bridgeboard/contracts';
import { AuthService } from '../auth/auth.service.js';
import type { SecurityUser } from '../auth/security.js';
import { DeviceRepository } from '../devices/device.repository.js';

/** Says whether an entity of one room kind belongs to the tenant (modules register theirs). */
export type RoomChecker = (tenantId: string, id: string) => Promise<boolean>;
export type RoomKind = 'device' | 'integration' | 'converter' | 'rulenode';

/**
 * Live updates over socket.io (path /socket.io, same HTTP server). The handshake carries the
 * access token (`auth: {token}`); a socket joins rooms only for its own tenant's entities, and
 * every room is namespaced by tenant internally so no event can cross tenants.
 */
@WebSocketGateway({ path: '/socket.io', cors: { origin: true, credentials: true } })
export class LiveGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() server!: Server;
  private readonly checkers = new Map<RoomKind, RoomChecker>();

  constructor(
    private readonly auth: AuthService,
    devices: DeviceRepository,
  ) {
    this.checkers.set('device', async (t, id) => !!(await devices.findById(t, id)));
  }

  registerRoomChecker(kind: RoomKind, check: RoomChecker): void {
    this.checkers.set(kind, check);
  }

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token ?? bearerOf(socket.handshake.headers);
      if (typeof token !== 'string' || !token) return next(new Error('Authentication failed: no token (connect with auth: {token})'));
      this.auth
        .authenticate(token)
        .then((user) => {
          if (!user.tenantId) throw new Error('Live updates need a tenant administrator');
          socket.data.user = user;
          next();
        })
        .catch((e: Error) => next(new Error(`Authentication failed: ${e.message}`)));
    });
    server.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: Socket): void {
    const user = socket.data.user as SecurityUser;
    const tenantId = user.tenantId!;
    socket.on('subscribe', (msg: unknown, ack?: (a: LiveAck) => void) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      this.allowed(tenantId, msg)
        .then(async (r) => {
          if (r.ok) await socket.join(`${tenantId}|${r.room}`);
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
    const check = this.checkers.get(kind);
    if (!check) return { ok: false, error: `Live updates for ${kind} are not available` };
    if (!(await check(tenantId, id))) return { ok: false, error: `No ${kind} with id ${id} in your tenant` };
    return { ok: true, room };
  }

  /** Sends an event to the sockets of one tenant that joined any of `rooms` (each socket once). */
  emitToRoom<E extends LiveEventName>(tenantId: string, room: string | string[], event: E, payload: LiveEvents[E]): void {
    if (!this.server) return;
    const rooms = (Array.isArray(room) ? room : [room]).map((r) => `${tenantId}|${r}`);
    // Ingest emits per device per batch; encoding a packet nobody receives was a measurable cost (docs/performance.md).
    const joined = this.server.sockets.adapter.rooms;
    if (!rooms.some((r) => joined.has(r))) return;
    this.server.to(rooms).emit(event, payload);
  }

  onModuleDestroy(): void {
    this.server?.disconnectSockets(true);
  }
}

function bearerOf(headers: Record<string, string | string[] | undefined>): string | null {
  const h = headers['x-authorization'] ?? headers['authorization'];
  const v = Array.isArray(h) ? h[0] : h;
  const m = v && /^Bearer\s+(.+)$/i.exec(v.trim());
  return m ? m[1]! : null;
}
