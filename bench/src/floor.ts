/**
 * The floor reference (a forked process): the smallest honest pipeline with no platform around it.
 * mqtt.js subscriber → the same decoder in node:vm → devices found or created in one statement →
 * ts_kv, ts_kv_latest and attribute_kv written in one statement per batch. QoS 1 messages are
 * acknowledged only after their batch committed, as the platform does.
 */
import mqtt, { type IPublishPacket } from 'mqtt';
import pg from 'pg';
import vm from 'node:vm';
import { resultOf, storeBatch, type Decoded } from './store-sql.js';
import { send, serveReference } from './reference-child.js';

export interface FloorConfig {
  mqttUrl: string;
  dbUrl: string;
  tenantId: string;
  filter: string;
  qos: 0 | 1;
  decoder: string;
  clientId: string;
  integrationName: string;
}
export type ToFloor = { type: 'start'; config: FloorConfig } | { type: 'stop' };
export type FromFloor =
  | { type: 'ready' }
  | { type: 'progress'; received: number; stored: number }
  | { type: 'stopped'; received: number; stored: number; errors: number }
  | { type: 'error'; message: string };

const BATCH_MAX = 1000;
const LINGER_MS = 10;
const HIGH_WATER = 5000;

interface Msg {
  topic: string;
  payload: Buffer;
  ack: () => void;
}
async function start(c: FloorConfig): Promise<() => Promise<FromFloor>> {
  const pool = new pg.Pool({ connectionString: c.dbUrl, max: 2 });
  pool.on('error', () => undefined); // an idle client dropped by the server: the next query reconnects or rejects
  const ctx = vm.createContext({});
  const decode = new vm.Script(`(function (payload, metadata) {\n${c.decoder}\n})`).runInContext(ctx) as (
    p: number[],
    m: Record<string, string>,
  ) => unknown;
  const devices = new Map<string, string>();
  const queue: Msg[] = [];
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let received = 0;
  let stored = 0;
  let errors = 0;
  let paused: (() => void) | null = null;

  async function save(batch: Msg[]): Promise<void> {
    const results: Decoded[] = [];
    const now = Date.now();
    for (const m of batch) {
      try {
        const r = resultOf(
          decode(Array.from(m.payload), { topic: m.topic, integrationName: c.integrationName }) as Record<
            string,
            any
          >,
          now,
        );
        results.push(r);
      } catch {
        errors++;
      }
    }
    await storeBatch((sql, p) => pool.query(sql, p), c.tenantId, devices, results, now);
    stored += batch.length;
  }

  async function loop(): Promise<void> {
    running = true;
    while (queue.length) {
      const batch = queue.splice(0, BATCH_MAX);
      if (paused && queue.length < HIGH_WATER) {
        paused();
        paused = null;
      }
      for (;;) {
        try {
          await save(batch);
          break;
        } catch (e) {
          report(e);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      for (const m of batch) m.ack();
    }
    running = false;
  }
  const report = (e: unknown) =>
    send({ type: 'error', message: `floor batch failed: ${(e as Error).message}` });
  const kick = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!running) void loop();
  };

  const client = await mqtt.connectAsync(c.mqttUrl, {
    clientId: c.clientId,
    clean: true,
    reconnectPeriod: 0,
    protocolVersion: 5,
    properties: { receiveMaximum: 1000 },
  });
  // Ack after commit without blocking mqtt.js's reader (it sends PUBACK from handleMessage's callback).
  type SendPacket = (
    packet: { cmd: string; messageId?: number },
    cb?: () => void,
    ...rest: unknown[]
  ) => void;
  const raw = client as unknown as {
    _sendPacket: SendPacket;
    handleMessage: (p: IPublishPacket, cb: () => void) => void;
  };
  const sendPacket = raw._sendPacket.bind(client) as SendPacket;
  const held = new Set<number>();
  raw._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd === 'puback' && packet.messageId !== undefined && held.delete(packet.messageId))
      return cb?.();
    sendPacket(packet, cb, ...rest);
  };
  raw.handleMessage = (packet, cb) => {
    received++;
    const id = packet.messageId;
    if (packet.qos === 1 && id !== undefined) held.add(id);
    const ack =
      packet.qos === 1 && id !== undefined
        ? () => sendPacket({ cmd: 'puback', messageId: id })
        : () => undefined;
    queue.push({ topic: packet.topic, payload: packet.payload as Buffer, ack });
    if (!running && !timer) timer = queue.length >= BATCH_MAX ? (kick(), null) : setTimeout(kick, LINGER_MS);
    if (queue.length >= HIGH_WATER) paused = cb;
    else cb();
  };
  await client.subscribeAsync(c.filter, { qos: c.qos });
  const progress = setInterval(() => send({ type: 'progress', received, stored }), 50);
  return async () => {
    clearInterval(progress);
    const until = Date.now() + 30000;
    while ((queue.length || running) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await client.endAsync();
    await pool.end();
    return { type: 'stopped', received, stored, errors };
  };
}

serveReference(start);
