/**
 * A publisher process (child_process.fork): connects to the broker with mqtt.js and publishes
 * {"value":<n>,"t":<publish ms>} to the guide's topic for each of its devices, round robin,
 * at a fixed rate or as fast as the socket takes it. Reports a cumulative count every 100 ms.
 */
import mqtt from 'mqtt';

export interface PublishPlan {
  mqttUrl: string;
  clientId: string;
  qos: 0 | 1;
  /** one topic per device, published round robin */
  topics: string[];
  /** total messages/s of this process; 0 = as fast as possible */
  rate: number;
  durationMs: number;
  /** stop after this many messages (0 = no limit) */
  maxMessages: number;
}
export type ToPublisher =
  { type: 'run'; plan: PublishPlan } | { type: 'go' } | { type: 'credit'; upTo: number };
export type FromPublisher =
  | { type: 'ready' }
  | { type: 'progress'; sent: number }
  | {
      type: 'done';
      published: number;
      acked: number;
      series: [number, number][];
      firstAt: number;
      lastAt: number;
    }
  | { type: 'error'; message: string };

const send = (m: FromPublisher, then?: () => void) => process.send!(m, undefined, {}, () => then?.());
const CHUNK = 200;

async function run(plan: PublishPlan, go: Promise<void>): Promise<void> {
  const client = await mqtt.connectAsync(plan.mqttUrl, {
    clientId: plan.clientId,
    clean: true,
    reconnectPeriod: 0,
    keepalive: 60,
  });
  const topics = plan.topics;
  const lastT = new Array<number>(topics.length).fill(0);
  send({ type: 'ready' });
  await go;
  const start = Date.now();
  const end = start + plan.durationMs;
  const series: [number, number][] = [[start, 0]];
  let sent = 0;
  let acked = 0;
  let k = 0;
  let nextMark = start + 100;
  const onAck = (e?: Error) => {
    if (!e) acked++;
  };
  const stream = (client as unknown as { stream: NodeJS.WritableStream & { writableNeedDrain?: boolean } })
    .stream;
  for (;;) {
    const now = Date.now();
    if (now >= nextMark) {
      series.push([now, sent]);
      send({ type: 'progress', sent });
      nextMark = now + 100;
    }
    if (now >= end || (plan.maxMessages && sent >= plan.maxMessages)) break;
    let budget = plan.rate ? Math.floor((plan.rate * (now - start)) / 1000) - sent : CHUNK;
    if (plan.maxMessages) budget = Math.min(budget, plan.maxMessages - sent);
    budget = Math.min(budget, CHUNK, credit - sent);
    for (let i = 0; i < budget; i++) {
      const t = Math.max(now, lastT[k]! + 1);
      lastT[k] = t;
      const payload = `{"value":${(20 + (sent % 100) / 10).toFixed(1)},"t":${t}}`;
      if (plan.qos === 1) client.publish(topics[k]!, payload, { qos: 1 }, onAck);
      else client.publish(topics[k]!, payload, { qos: 0 });
      sent++;
      k = (k + 1) % topics.length;
    }
    if (stream.writableNeedDrain) await new Promise((r) => stream.once('drain', r));
    else if (budget <= 0 || plan.rate) await new Promise((r) => setTimeout(r, plan.rate ? 2 : 0));
    else await new Promise((r) => setImmediate(r));
  }
  const lastAt = Date.now();
  series.push([lastAt, sent]);
  // QoS 1: wait for the broker's PUBACKs (bounded), so "published" means accepted by the broker.
  const waitUntil = Date.now() + 30000;
  while (plan.qos === 1 && acked < sent && Date.now() < waitUntil)
    await new Promise((r) => setTimeout(r, 20));
  await client.endAsync();
  send(
    { type: 'done', published: sent, acked: plan.qos === 1 ? acked : sent, series, firstAt: start, lastAt },
    () => process.exit(0),
  );
}

/** flow control for max-rate runs: the orchestrator allows publishing up to this many messages */
let credit = Infinity;
let resolveGo: () => void = () => undefined;
const go = new Promise<void>((r) => (resolveGo = r));
process.on('message', (m: ToPublisher) => {
  if (m.type === 'go') return resolveGo();
  if (m.type === 'credit') {
    credit = m.upTo;
    return;
  }
  run(m.plan, go).catch((e: Error) => send({ type: 'error', message: e.message }, () => process.exit(1)));
});
