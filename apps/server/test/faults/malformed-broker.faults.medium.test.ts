import net from 'node:net';
import { bearer, startTestPlatform, type TestPlatform } from '../helpers.js';
import {
  createConverter,
  createIntegration,
  rnd,
  SEQ_DECODER,
} from '../../src/modules/integrations/test-kit.js';
import { recordStatuses } from './fault-kit.js';
import { faultSeconds, MemoryWatch, report, sleep, statusOf } from './fault-kit.js';

/** What the fake broker sends after a valid CONNACK, one kind per connection in turn. */
const GARBAGE: { what: string; bytes: () => Buffer }[] = [
  { what: 'remaining length of five bytes', bytes: () => Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]) },
  { what: 'reserved packet type 0', bytes: () => Buffer.from([0x00, 0x02, 0x00, 0x00]) },
  { what: 'truncated PUBLISH', bytes: () => Buffer.from([0x32, 0x0a, 0x00, 0x03, 0x61]) },
  {
    what: 'PUBLISH whose property length exceeds the packet',
    bytes: () => Buffer.from([0x30, 0x08, 0x00, 0x01, 0x61, 0xff, 0xff, 0xff, 0x7f, 0x00]),
  },
  { what: 'SUBACK for a packet never sent', bytes: () => Buffer.from([0x90, 0x03, 0x7f, 0x7f, 0x00]) },
  { what: 'CONNACK again, with a bad flag byte', bytes: () => Buffer.from([0x20, 0x03, 0xfe, 0x00, 0x00]) },
  {
    what: 'random bytes',
    bytes: () => Buffer.from(Array.from({ length: 512 }, () => Math.floor(Math.random() * 256))),
  },
];

/** Answers CONNECT (3.1.1 or 5) properly, then sends one kind of malformed packet and keeps the socket open. */
async function fakeBroker(): Promise<{ port: number; connections: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = { port: 0, connections: 0, close: async () => undefined as void };
  const server = net.createServer((s) => {
    const kind = GARBAGE[state.connections++ % GARBAGE.length]!;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.once('data', (connect) => {
      // CONNECT: fixed header, then "MQTT" and the protocol level at offset 2 + len bytes + 6
      const v5 = connect.includes(Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05]));
      s.write(v5 ? Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]) : Buffer.from([0x20, 0x02, 0x00, 0x00]));
      setTimeout(() => s.destroyed || s.write(kind.bytes()), 50);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () => {
    sockets.forEach((s) => s.destroy());
    return new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

describe('a broker that sends malformed MQTT packets', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({
      LOG_LEVEL: 'error',
      INTEGRATION_RECONNECT_MIN_MS: '200',
      INTEGRATION_RECONNECT_MAX_MS: '2000',
      INTEGRATION_HEARTBEAT_SEC: '5',
    });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('11: survives malformed packets with bounded memory, shows an error and keeps reconnecting', async () => {
    const seconds = faultSeconds(20, 120);
    const broker = await fakeBroker();
    const converterId = await createConverter(p, SEQ_DECODER);
    const { id } = await createIntegration(p, {
      converterId,
      filters: [{ filter: `${rnd()}/#`, qos: 1 }],
      host: '127.0.0.1',
      port: broker.port,
      cleanSession: true,
    });
    const statuses = recordStatuses(p, id);
    const mem = new MemoryWatch();
    const errors = new Set<string>();
    // at least the window, and until every kind of garbage was sent once (some cost a 5 s SUBSCRIBE
    // timeout each, so on a loaded machine seven kinds may not fit in 20 s)
    const end = Date.now() + seconds * 1000;
    const last = end + 60_000;
    while (Date.now() < end || (broker.connections < GARBAGE.length + 1 && Date.now() < last)) {
      const s = await statusOf(p, id);
      if (s.lastError) errors.add(s.lastError);
      const api = await p.http().get(`/api/integration/${id}`).set(bearer(p.tenantToken));
      expect(api.status).toBe(200);
      await sleep(250);
    }
    mem.stop();
    statuses.stop();
    const connections = broker.connections;
    await broker.close();
    report('11 fake broker sending malformed packets', {
      seconds,
      connections,
      published: 0,
      stored: 0,
      lost: 0,
      peakRssMb: mem.peakRssMb,
      rssGrowthMb: mem.peakRssMb - mem.firstRssMb,
      distinctErrors: [...errors].slice(0, 8),
    });
    expect(connections).toBeGreaterThan(GARBAGE.length);
    expect(errors.size).toBeGreaterThan(0);
    expect(statuses.list.some((s) => s.startsWith('ERROR') || s === 'CONNECTING')).toBe(true);
    expect(mem.peakRssMb - mem.firstRssMb).toBeLessThan(200);
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
  }, 300_000);
});
