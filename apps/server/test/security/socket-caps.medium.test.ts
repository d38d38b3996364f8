import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { BoundedIoAdapter } from '../../src/security/bounded-io.adapter.js';
import { SecurityReport } from './report.js';

// Issue 10, point 16: subscriptions per socket.io connection are capped, whatever the gateway does.
const report = new SecurityReport('socket.io caps (BoundedIoAdapter)');
afterAll(() => report.print());

type Ack = { ok: boolean; error?: string };

describe('socket.io subscription cap', () => {
  let server: http.Server;
  let io: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    server = http.createServer();
    const adapter = new BoundedIoAdapter(server as never, { maxSubscriptions: 5, maxMessageBytes: 4096, rateLimit: 'off' });
    io = adapter.create(0, { path: '/socket.io' } as never) as unknown as Server;
    // a gateway like LiveGateway: joins the asked room after an async ownership check
    io.on('connection', (s) => {
      s.on('subscribe', (msg: { room: string }, ack: (a: Ack) => void) => {
        setTimeout(() => {
          void s.join(`t1|${msg.room}`);
          ack({ ok: true });
        }, 20);
      });
      s.on('unsubscribe', (msg: { room: string }, ack: (a: Ack) => void) => {
        void s.leave(`t1|${msg.room}`);
        ack({ ok: true });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await io.close();
  });

  const client = async () => {
    const c = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false });
    clients.push(c);
    await new Promise<void>((r, j) => {
      c.on('connect', () => r());
      c.on('connect_error', j);
    });
    return c;
  };
  const sub = (c: ClientSocket, room: string) =>
    c.timeout(2000).emitWithAck('subscribe', { room }) as Promise<Ack>;

  it('refuses subscriptions beyond the cap with a sentence, also when they arrive in one burst', async () => {
    const c = await client();
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => sub(c, `device:${i}`)));
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    const refused = acks.filter((a) => !a.ok);
    expect(refused).toHaveLength(7);
    expect(refused[0]!.error).toBe(
      'Too many subscriptions on this connection: at most 5 (LIVE_MAX_SUBSCRIPTIONS, refused ones included); unsubscribe from a room first',
    );
    report.checked(`12 subscribe messages in one burst, cap 5 → 5 ok, 7 refused: "${refused[0]!.error}"`);

    expect(await sub(c, 'device:0')).toEqual({ ok: true });
    report.checked('subscribing again to a room already joined is not refused');
    await c.timeout(2000).emitWithAck('unsubscribe', { room: 'device:0' });
    expect(await sub(c, 'device:99')).toEqual({ ok: true });
    report.checked('after an unsubscribe a new room is accepted');

    const other = await client();
    expect(await sub(other, 'device:1')).toEqual({ ok: true });
    report.checked('the cap is per connection: another connection subscribes');
  });

  it('drops a client message larger than LIVE_MAX_MESSAGE_KB', async () => {
    const c = await client();
    const closed = new Promise<string>((r) => c.on('disconnect', (reason) => r(reason)));
    c.emit('subscribe', { room: 'x'.repeat(10_000) });
    const reason = await closed;
    expect(reason).toMatch(/transport (close|error)/);
    report.checked(`a 10 KB message with a 4 KB limit closes the connection (${reason})`);
  });
});
