import { OversizeGuard } from './oversize-guard.js';

/** An MQTT PUBLISH as a broker sends it (3.1.1, or 5 with empty properties). */
function publish(topic: string, payload: Buffer, opts: { qos?: number; id?: number; v5?: boolean } = {}): Buffer {
  const t = Buffer.from(topic);
  const qos = opts.qos ?? 0;
  const id = qos ? Buffer.from([(opts.id ?? 1) >> 8, (opts.id ?? 1) & 0xff]) : Buffer.alloc(0);
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, id, opts.v5 ? Buffer.from([0]) : Buffer.alloc(0), payload]);
  const len: number[] = [];
  let n = body.length;
  do {
    const b = n % 128;
    n = Math.floor(n / 128);
    len.push(n ? b | 0x80 : b);
  } while (n);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1), ...len]), body]);
}

/** Runs bytes through a guard in chunks of `chunk` bytes; returns what came out. */
async function through(guard: OversizeGuard, input: Buffer, chunk: number): Promise<Buffer> {
  const out: Buffer[] = [];
  guard.on('data', (b: Buffer) => out.push(b));
  for (let i = 0; i < input.length; i += chunk) guard.write(input.subarray(i, i + chunk));
  guard.end();
  await new Promise((r) => guard.on('end', r));
  return Buffer.concat(out);
}

describe('OversizeGuard', () => {
  const ping = Buffer.from([0xd0, 0x00]);
  const small = publish('t/small', Buffer.from('{"v":1}'), { qos: 1, id: 7 });

  it.each([
    ['3.1.1, one chunk', 4 as const, 1 << 30],
    ['3.1.1, 1-byte chunks', 4 as const, 1],
    ['3.1.1, 7-byte chunks', 4 as const, 7],
    ['5, 64 KB chunks', 5 as const, 65536],
    ['5, 3-byte chunks', 5 as const, 3],
  ])('passes small packets byte for byte and replaces a large payload by a marker with its size (%s)', async (_name, version, chunk) => {
    const big = Buffer.alloc(300_000, 0x41);
    const v5 = version === 5;
    const input = Buffer.concat([small, ping, publish('t/big', big, { qos: 1, id: 9, v5 }), publish('t/after', Buffer.from('x'), { v5 }), ping]);
    const guard = new OversizeGuard(100_000, () => version);
    const out = await through(guard, input, chunk);
    // what comes out: the same small packets, and in place of the big one a PUBLISH with the same topic/QoS/id
    const markerPacket = out.subarray(small.length + ping.length, out.length - publish('t/after', Buffer.from('x'), { v5 }).length - ping.length);
    expect(out.subarray(0, small.length)).toEqual(small);
    expect(out.subarray(out.length - ping.length)).toEqual(ping);
    expect(markerPacket.length).toBeLessThan(100);
    const marker = markerPacket.subarray(markerPacket.length - 24);
    expect(guard.oversizeOf(marker)).toBe(300_000);
    expect(markerPacket).toEqual(publish('t/big', marker, { qos: 1, id: 9, v5 }));
  });

  it('lets a payload of exactly the limit through, and no one else can make a marker', async () => {
    const edge = publish('t', Buffer.alloc(1000, 1));
    const guard = new OversizeGuard(1000, () => 4);
    expect(await through(guard, edge, 100)).toEqual(edge);
    expect(guard.oversizeOf(Buffer.alloc(24))).toBeNull();
    expect(new OversizeGuard(1000, () => 4).oversizeOf(Buffer.alloc(24))).toBeNull();
  });

  it('holds only the header of a large message, whatever its size', async () => {
    const guard = new OversizeGuard(1024, () => 4);
    // a 200 MB publish announced, then streamed in 64 KB chunks that are never kept
    const size = 200 * 1024 * 1024;
    const t = Buffer.from('t/huge');
    const len: number[] = [];
    let n = 2 + t.length + size;
    do {
      const b = n % 128;
      n = Math.floor(n / 128);
      len.push(n ? b | 0x80 : b);
    } while (n);
    const out: Buffer[] = [];
    guard.on('data', (b: Buffer) => out.push(b));
    guard.write(Buffer.concat([Buffer.from([0x30, ...len, 0, t.length]), t]));
    const chunk = Buffer.alloc(65536);
    const before = process.memoryUsage().arrayBuffers;
    for (let sent = 0; sent < size; sent += chunk.length) guard.write(chunk);
    guard.write(small);
    guard.end();
    await new Promise((r) => guard.on('end', r));
    const all = Buffer.concat(out);
    expect(all.length).toBeLessThan(200);
    expect(guard.oversizeOf(all.subarray(all.length - small.length - 24, all.length - small.length))).toBe(size);
    expect(all.subarray(all.length - small.length)).toEqual(small);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20 * 1024 * 1024);
  });
});
