import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, Socket } from 'socket.io';
import { InMemoryRateLimitStore, parseRateLimits, type RateLimit, type RateLimitStore } from './rate-limit.store.js';

// @nestjs/platform-socket.io may resolve another patch of socket.io than ours: type against its own.
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];
type IoServer = ReturnType<IoAdapter['createIOServer']>;

export interface SocketCaps {
  /** LIVE_MAX_SUBSCRIPTIONS */
  maxSubscriptions: number;
  /** LIVE_MAX_MESSAGE_KB in bytes */
  maxMessageBytes: number;
  /** LIVE_RATE_LIMIT, ThingsBoard notation ("off" = none) */
  rateLimit: string;
}

/**
 * socket.io with resource caps, whatever gateway uses it: a bounded message size, a rate limit on
 * the messages of each connection, and at most `maxSubscriptions` subscribe attempts that hold or
 * held a slot — joined rooms, those still being checked, and refused ones (each refusal cost a
 * lookup; counting them keeps one connection from probing ids without end). A message beyond a
 * cap is answered {ok: false, error} without reaching the gateway.
 */
export class BoundedIoAdapter extends IoAdapter {
  private readonly limits: RateLimit[];
  private readonly store: RateLimitStore = new InMemoryRateLimitStore();

  constructor(
    app: INestApplicationContext,
    private readonly caps: SocketCaps,
  ) {
    super(app);
    this.limits = parseRateLimits(caps.rateLimit);
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.caps.maxMessageBytes,
    } as IoOptions);
    (server as unknown as Server).on('connection', (socket) => {
      limitRate(socket, this.limits, this.store);
      limitSubscriptions(socket, this.caps.maxSubscriptions);
    });
    return server;
  }
}

type Ack = (a: { ok: boolean; error?: string }) => void;
const ackOf = (packet: unknown[]): Ack => {
  const last = packet[packet.length - 1];
  return typeof last === 'function' ? (last as Ack) : () => undefined;
};

/** Every message of the connection takes a token; without one it is refused (answered if it asked for an answer). */
export function limitRate(socket: Socket, limits: readonly RateLimit[], store: RateLimitStore): void {
  if (!limits.length) return;
  const describe = limits.map((l) => `${l.capacity} per ${l.periodMs / 1000} s`).join(' and ');
  const key = `socket:${socket.id}`;
  socket.use((packet, next) => {
    store
      .take(key, limits, Date.now())
      .then((waitMs) => {
        if (waitMs <= 0) return next();
        ackOf(packet)({
          ok: false,
          error: `Too many messages on this connection: the limit is ${describe} (LIVE_RATE_LIMIT); retry in ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
        });
      })
      .catch((e: Error) => next(e));
  });
}

export function limitSubscriptions(socket: Socket, max: number): void {
  let pending = 0;
  let refused = 0;
  socket.use((packet, next) => {
    if (packet[0] !== 'subscribe') return next();
    const ack = ackOf(packet);
    // the socket's own id is a room too
    const joined = socket.rooms.size - 1;
    const room = (packet[1] as { room?: unknown } | undefined)?.room;
    const already =
      typeof room === 'string' && [...socket.rooms].some((r) => r === room || r.endsWith(`|${room}`));
    if (!already && joined + pending + refused >= max) {
      ack({
        ok: false,
        error: `Too many subscriptions on this connection: at most ${max} (LIVE_MAX_SUBSCRIPTIONS, refused ones included); unsubscribe from a room first`,
      });
      return;
    }
    pending++;
    let done = false;
    const wrapped: Ack = (a) => {
      if (!done) {
        done = true;
        pending--;
        if (!a.ok) refused++;
      }
      ack(a);
    };
    if (typeof packet[packet.length - 1] === 'function') packet[packet.length - 1] = wrapped;
    else packet.push(wrapped);
    next();
  });
}
