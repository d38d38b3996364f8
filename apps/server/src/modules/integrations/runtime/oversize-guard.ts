import { randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { MqttClient } from 'mqtt';

/**
 * Sits between the broker's socket and mqtt.js's parser and lets a PUBLISH whose payload is larger than
 * `maxPayload` pass only as its header: the payload bytes are dropped as they arrive, so a 200 MB message
 * costs the platform a few kilobytes of memory instead of 200 MB (twice, when mqtt-packet joins its chunks).
 * In its place mqtt.js parses a small PUBLISH with the same topic, QoS and packet id whose payload is a
 * marker only this connection can make; `oversizeOf` reads the original size back from it. So mqtt.js
 * keeps its own QoS 1/2 bookkeeping, and the message is acknowledged like any other (issue 14, finding 2).
 */
export class OversizeGuard extends Transform {
  /** per connection: a device cannot forge a marker it cannot guess */
  private readonly nonce = randomBytes(16);
  private state: 'fixed' | 'pubhead' | 'pass' | 'skip' = 'fixed';
  private acc: Buffer = Buffer.alloc(0);
  private left = 0;
  private byte0 = 0;
  private remaining = 0;
  private fixed: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxPayload: number,
    private readonly protocolVersion: () => 3 | 4 | 5,
  ) {
    super();
  }

  /** The payload size of the message a marker stands for, or null for an ordinary payload. */
  oversizeOf(payload: Buffer): number | null {
    if (payload.length !== 24 || !payload.subarray(0, 16).equals(this.nonce)) return null;
    return Number(payload.readBigUInt64BE(16));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.feed(chunk);
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  /**
   * Ordinary packets pass as the socket delivered them: one push per chunk (a chunk holds hundreds of
   * small PUBLISHes at full rate; a push per packet was ~10% of the server's CPU). Only a large PUBLISH,
   * or a header cut by the end of a chunk, takes the careful path below, which works on held bytes.
   */
  private feed(chunk: Buffer): void {
    let i = 0;
    let start = 0; // bytes of the chunk before `start` are pushed or dropped
    while (i < chunk.length) {
      if (this.state === 'pass' || this.state === 'skip') {
        const n = Math.min(this.left, chunk.length - i);
        i += n;
        if (this.state === 'skip') start = i;
        this.left -= n;
        if (!this.left) this.state = 'fixed';
        continue;
      }
      if (this.state === 'fixed' && !this.acc.length) {
        const len = varint(chunk, i + 1);
        if (len && !(chunk[i]! >> 4 === 3 && len.value > this.maxPayload)) {
          i += 1 + len.bytes;
          this.left = len.value;
          this.state = this.left ? 'pass' : 'fixed';
          continue;
        }
      }
      if (i > start) this.push(chunk.subarray(start, i));
      const held = chunk.subarray(i);
      this.acc = this.acc.length ? Buffer.concat([this.acc, held]) : held;
      const rest = this.state === 'fixed' ? this.parseFixed() : this.parsePublishHead();
      if (rest !== null) this.feed(rest);
      return;
    }
    if (i > start) this.push(chunk.subarray(start, i));
  }

  /** Fixed header: type byte + remaining length (1–4 bytes). Returns the bytes after what it used, or null. */
  private parseFixed(): Buffer | null {
    const len = varint(this.acc, 1);
    if (!len) return null;
    this.byte0 = this.acc[0]!;
    this.remaining = len.value;
    this.fixed = Buffer.from(this.acc.subarray(0, 1 + len.bytes));
    const rest = this.acc.subarray(1 + len.bytes);
    this.acc = Buffer.alloc(0);
    if (this.byte0 >> 4 === 3 && this.remaining > this.maxPayload) {
      this.state = 'pubhead';
    } else {
      this.push(this.fixed);
      this.left = this.remaining;
      this.state = this.left ? 'pass' : 'fixed';
    }
    return rest;
  }

  /** A large PUBLISH: topic, packet id and (MQTT 5) properties, then pass it whole or skip its payload. */
  private parsePublishHead(): Buffer | null {
    const a = this.acc;
    const qos = (this.byte0 >> 1) & 3;
    if (a.length < 2) return null;
    let pos = 2 + a.readUInt16BE(0);
    if (pos > this.remaining) return this.passAll();
    if (a.length < pos) return null;
    const topic = a.toString('utf8', 2, pos);
    let messageId: number | undefined;
    if (qos > 0) {
      if (a.length < pos + 2) return null;
      messageId = a.readUInt16BE(pos);
      pos += 2;
    }
    if (this.protocolVersion() === 5) {
      const props = varint(a, pos);
      if (!props) return null;
      pos += props.bytes;
      // properties larger than a topic can be are not worth holding either: skip them with the payload
      if (props.value <= 65536) {
        if (a.length < pos + props.value) return null;
        pos += props.value;
      }
    }
    if (pos > this.remaining) return this.passAll();
    const payload = this.remaining - pos;
    if (payload <= this.maxPayload) return this.passAll();
    const marker = Buffer.alloc(24);
    this.nonce.copy(marker);
    marker.writeBigUInt64BE(BigInt(payload), 16);
    this.push(publishPacket(this.byte0, topic, messageId, this.protocolVersion() === 5, marker));
    const used = Math.min(a.length, this.remaining);
    this.left = this.remaining - used;
    this.state = this.left ? 'skip' : 'fixed';
    this.acc = Buffer.alloc(0);
    return a.subarray(used);
  }

  /** Not too large after all (or malformed: mqtt-packet will say so): hand on what was held and pass the rest. */
  private passAll(): Buffer {
    const a = this.acc;
    const used = Math.min(a.length, this.remaining);
    this.push(this.fixed);
    this.push(a.subarray(0, used));
    this.left = this.remaining - used;
    this.state = this.left ? 'pass' : 'fixed';
    this.acc = Buffer.alloc(0);
    return a.subarray(used);
  }
}

/** A PUBLISH with the same flags (dup, QoS, retain), topic and packet id, empty properties, and this payload. */
function publishPacket(byte0: number, topic: string, messageId: number | undefined, v5: boolean, payload: Buffer): Buffer {
  const t = Buffer.from(topic, 'utf8');
  const id = messageId === undefined ? Buffer.alloc(0) : Buffer.from([messageId >> 8, messageId & 0xff]);
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, id, v5 ? Buffer.from([0]) : Buffer.alloc(0), payload]);
  const len: number[] = [];
  let n = body.length;
  do {
    const b = n % 128;
    n = Math.floor(n / 128);
    len.push(n ? b | 0x80 : b);
  } while (n);
  return Buffer.concat([Buffer.from([byte0, ...len]), body]);
}

/** MQTT's variable byte integer at `at`, or null when its bytes have not all arrived. */
function varint(b: Buffer, at: number): { value: number; bytes: number } | null {
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (at + i >= b.length) return null;
    const byte = b[at + i]!;
    value += (byte & 0x7f) * 128 ** i;
    if (!(byte & 0x80)) return { value, bytes: i + 1 };
  }
  // a fifth byte is malformed; let the parser behind us say so
  return { value, bytes: 4 };
}

/**
 * Puts a guard between the socket a client opens and mqtt.js's parser: mqtt.js builds the stream with
 * `streamBuilder` and pipes it into its parser once per connection; the pipe goes through the guard.
 * Call before `client.connect()` (the client made with `manualConnect: true`).
 */
export function installOversizeGuard(client: MqttClient, maxPayload: number, version: 3 | 4 | 5, installed: (g: OversizeGuard) => void): void {
  const c = client as unknown as { streamBuilder: (c: MqttClient) => NodeJS.ReadWriteStream };
  const build = c.streamBuilder;
  c.streamBuilder = (cl) => {
    const raw = build(cl);
    const guard = new OversizeGuard(maxPayload, () => version);
    installed(guard);
    const pipe = raw.pipe.bind(raw);
    raw.pipe = (<T extends NodeJS.WritableStream>(dest: T, opts?: { end?: boolean }) => {
      pipe(guard);
      return guard.pipe(dest, opts);
    }) as typeof raw.pipe;
    return raw;
  };
}
