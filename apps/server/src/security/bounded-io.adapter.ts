import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, Socket } from 'socket.io';

// @nestjs/platform-socket.io may resolve another patch of socket.io than ours: type against its own.
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];
type IoServer = ReturnType<IoAdapter['createIOServer']>;

/**
 * socket.io with resource caps, whatever gateway uses it: at most `maxSubscriptions` rooms per
 * connection (a `subscribe` beyond that is answered {ok: false, error} without reaching the
 * gateway) and a bounded message size. Subscriptions still being checked count too, so a burst
 * of `subscribe` messages cannot overshoot the cap.
 */
export class BoundedIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly maxSubscriptions: number,
    private readonly maxMessageBytes: number,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: this.maxMessageBytes,
    } as IoOptions);
    (server as unknown as Server).on('connection', (socket) =>
      limitSubscriptions(socket, this.maxSubscriptions),
    );
    return server;
  }
}

type Ack = (a: { ok: boolean; error?: string }) => void;

export function limitSubscriptions(socket: Socket, max: number): void {
  let pending = 0;
  socket.use((packet, next) => {
    if (packet[0] !== 'subscribe') return next();
    const last = packet[packet.length - 1];
    const ack: Ack = typeof last === 'function' ? (last as Ack) : () => undefined;
    // the socket's own id is a room too
    const joined = socket.rooms.size - 1;
    const room = (packet[1] as { room?: unknown } | undefined)?.room;
    const already =
      typeof room === 'string' && [...socket.rooms].some((r) => r === room || r.endsWith(`|${room}`));
    if (!already && joined + pending >= max) {
      ack({
        ok: false,
        error: `Too many subscriptions on this connection: at most ${max} (LIVE_MAX_SUBSCRIPTIONS); unsubscribe from a room first`,
      });
      return;
    }
    pending++;
    let done = false;
    const wrapped: Ack = (a) => {
      if (!done) {
        done = true;
        pending--;
      }
      ack(a);
    };
    if (typeof last === 'function') packet[packet.length - 1] = wrapped;
    else packet.push(wrapped);
    next();
  });
}
