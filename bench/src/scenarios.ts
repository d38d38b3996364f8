import pg from 'pg';
import type { Api } from './api.js';
import { BENCH_DECODER, filterOf, topicOf } from './decoders.js';
import { runPublishers } from './load.js';
import { startFloor, startNodeRed } from './load.js';
import type { PlatformHandle } from './platform.js';
import { PgMeter, ProcMeter } from './proc.js';
import { CommitProbe, LiveProbe } from './probes.js';
import type { PublishPlan } from './publisher.js';
import { sleep, summarize } from './stats.js';

export interface Ctx {
  p: PlatformHandle;
  api: Api;
  pool: pg.Pool;
  tenantId: string;
  tag: string;
  publishers: number;
  /** a second node of a cluster on the same database (scenario 7) */
  second?: { p: PlatformHandle; api: Api };
  log(m: string): void;
}
/** the platform, or a reference doing the same job: the floor (hand-written) or Node-RED 4 */
export type Target = 'platform' | 'floor' | 'nodered' | 'cluster';

export interface Measure {
  published: number;
  committed: number;
  lost: number;
  /** msgs/s over the steady window */
  publishedRate: number;
  committedRate: number;
  windowSec: number;
  cpuSec: number | null;
  cpuMsPer1k: number | null;
  /** the same for the Postgres backends of the bench's database (any target's writes), when local */
  pgCpuMsPer1k?: number | null;
  peakRssMb: number | null;
  latencyCommitted?: ReturnType<typeof summarize> & { pollMs: number };
  latencyBrowser?: ReturnType<typeof summarize>;
}

export interface LoadSpec {
  key: string;
  qos: 0 | 1;
  devices: number;
  /** total msgs/s; 0 = as fast as the pipeline takes it (closed loop) */
  rate: number;
  warmupMs: number;
  windowMs: number;
  debug?: boolean;
  latency?: boolean;
  /** stop after this many messages in total (smoke) */
  maxMessages?: number;
}

const COUNT_SQL = `SELECT count(*)::int AS n FROM ts_kv_named t JOIN device d ON d.id = t.entity_id
  WHERE d.tenant_id = $1 AND d.name LIKE $2 AND t.key = 'temperature'`;

export async function countStored(ctx: Ctx, namePrefix: string): Promise<{ n: number; at: number }> {
  const t = Date.now();
  const r = await ctx.pool.query<{ n: number }>(COUNT_SQL, [ctx.tenantId, `${namePrefix}%`]);
  return { n: r.rows[0]!.n, at: Math.round((t + Date.now()) / 2) };
}

export function plansFor(
  ctx: Ctx,
  topics: string[],
  qos: 0 | 1,
  rate: number,
  durationMs: number,
  maxMessages = 0,
): PublishPlan[] {
  const n = Math.max(1, Math.min(ctx.publishers, topics.length));
  return Array.from({ length: n }, (_, i) => ({
    mqttUrl: ctx.p.mqttUrl,
    clientId: `bb-bench-pub-${ctx.tag}-${Math.random().toString(16).slice(2, 8)}-${i}`,
    qos,
    topics: topics.filter((_, k) => k % n === i),
    rate: rate / n,
    durationMs,
    maxMessages: maxMessages ? Math.ceil(maxMessages / n) : 0,
  }));
}

/** The pipeline under test, set up for one load: an integration in the platform, or the floor process. */
export async function pipeline(
  ctx: Ctx,
  target: Target,
  prefix: string,
  spec: Pick<LoadSpec, 'qos' | 'debug'>,
) {
  if (target === 'floor') {
    const f = await startFloor({
      mqttUrl: ctx.p.mqttUrl,
      dbUrl: ctx.p.dbUrl,
      tenantId: ctx.tenantId,
      filter: filterOf(prefix),
      qos: spec.qos,
      decoder: BENCH_DECODER,
      clientId: `bb-bench-floor-${ctx.tag}-${Math.random().toString(16).slice(2, 8)}`,
      integrationName: 'MQTT Integration',
    });
    return { pid: f.pid, received: async () => f.received(), stop: async () => void (await f.stop()) };
  }
  if (target === 'nodered') {
    const n = await startNodeRed({
      mqttUrl: ctx.p.mqttUrl,
      dbUrl: ctx.p.dbUrl,
      tenantId: ctx.tenantId,
      filter: filterOf(prefix),
      qos: spec.qos,
      decoder: BENCH_DECODER,
      clientId: `bb-bench-nodered-${ctx.tag}-${Math.random().toString(16).slice(2, 8)}`,
      integrationName: 'MQTT Integration',
      probeDevice: `${ctx.tag}nodered-probe`,
    });
    return { pid: n.pid, received: async () => n.received(), stop: async () => void (await n.stop()) };
  }
  // cluster: two nodes, one integration with a shared subscription: the broker splits the messages between them
  const shared = target === 'cluster';
  const converterId = await ctx.api.createConverter(`MQTT Uplink ${prefix}`, BENCH_DECODER, !!spec.debug);
  const id = await ctx.api.createIntegration({
    name: `MQTT Integration ${prefix}`,
    converterId,
    mqttUrl: ctx.p.mqttUrl,
    filter: filterOf(prefix),
    qos: spec.qos,
    clientId: `bb-bench-${shared ? 'shared' : 'int'}-${ctx.tag}-${Math.random().toString(16).slice(2, 8)}`,
    shared,
  });
  await ctx.api.waitConnected(id);
  const remove = async () => {
    await ctx.api.deleteIntegration(id);
    await ctx.api.call('DELETE', `/api/converter/${converterId}`).catch(() => undefined);
  };
  if (shared) {
    // each node answers for its own connection of a shared integration
    const second = ctx.second!;
    await second.api.waitConnected(id);
    return { pid: ctx.p.pid, pids: [ctx.p.pid, second.p.pid], received: async () => 0, stop: remove };
  }
  // flow control reads the platform's own status pushes (every 250 ms) rather than polling REST,
  // so the benchmark adds no request load to the process it measures
  const status = await LiveProbe.connect(ctx.p.url, ctx.api.accessToken);
  await status.subscribe([`integration:${id}`]);
  return {
    pid: ctx.p.pid,
    received: async () => status.messagesIn.get(id) ?? 0,
    stop: async () => {
      status.close();
      await remove();
    },
  };
}

/** One load against one pipeline: throughput over the steady window, losses, CPU, RSS and optionally latency. */
export async function runLoad(ctx: Ctx, target: Target, spec: LoadSpec): Promise<Measure> {
  const t = target[0];
  const prefix = `bench${ctx.tag}/${spec.key}${t}`;
  const namePrefix = `${ctx.tag}${spec.key}${t}-`;
  const names = Array.from({ length: spec.devices }, (_, i) => `${namePrefix}${i}`);
  const pipe: {
    pid: number | null;
    pids?: (number | null)[];
    received(): Promise<number>;
    stop(): Promise<void>;
  } = await pipeline(ctx, target, prefix, spec);
  // every process of the pipeline (two nodes in a cluster): CPU and RSS are their sums
  const meters = (pipe.pids ?? [pipe.pid]).map((pid) => new ProcMeter(pid));
  const meter = {
    stop: () => {
      const u = meters.map((m) => m.stop());
      const sum = (k: 'cpuSec' | 'peakRssMb') =>
        u.some((x) => x[k] === null) ? null : Math.round(u.reduce((s, x) => s + x[k]!, 0) * 100) / 100;
      return { cpuSec: sum('cpuSec'), peakRssMb: sum('peakRssMb') };
    },
  };
  const pgMeter = new PgMeter(databaseOf(ctx.p.dbUrl));
  let c0: Promise<{ n: number; at: number }> | null = null;
  let c1: Promise<{ n: number; at: number }> | null = null;
  let probes: Promise<{ commit: CommitProbe; live: LiveProbe | null } | null> = Promise.resolve(null);
  let endProbes: Promise<{ pollMs: number } | null> = Promise.resolve(null);
  const durationMs = spec.warmupMs + spec.windowMs;
  const plans = plansFor(
    ctx,
    names.map((n) => topicOf(prefix, n)),
    spec.qos,
    spec.rate,
    durationMs,
    spec.maxMessages,
  );
  const pub = await runPublishers(plans, {
    received: spec.rate ? undefined : pipe.received,
    onStart: (t0) => {
      c0 = sleep(spec.warmupMs).then(() => countStored(ctx, namePrefix));
      c1 = sleep(durationMs).then(() => countStored(ctx, namePrefix));
      if (spec.latency) {
        probes = sleep(spec.warmupMs).then(async () => {
          const sample = await ctx.pool.query<{ id: string }>(
            `SELECT id FROM device WHERE tenant_id = $1 AND name LIKE $2 LIMIT 200`,
            [ctx.tenantId, `${namePrefix}%`],
          );
          const ids = sample.rows.map((r) => r.id);
          const from = t0 + spec.warmupMs + 500;
          const commit = new CommitProbe(ctx.p.dbUrl, ids, from);
          let live: LiveProbe | null = null;
          if (target === 'platform') {
            live = await LiveProbe.connect(ctx.p.url, ctx.api.accessToken);
            await live.subscribe(ids.map((id) => `device:${id}`));
            live.from = from;
          }
          return { commit, live };
        });
        endProbes = sleep(durationMs).then(async () => {
          const pr = await probes;
          if (!pr) return null;
          pr.live?.close();
          return { pollMs: await pr.commit.stop() };
        });
      }
    },
  });
  // drain: wait until everything the broker accepted is stored, or nothing moves for 3 s
  const expected = spec.qos === 1 ? pub.acked : pub.published;
  let last = await countStored(ctx, namePrefix);
  let still = Date.now();
  const until = Date.now() + 120000;
  while (last.n < expected && Date.now() - still < 3000 && Date.now() < until) {
    await sleep(250);
    const c = await countStored(ctx, namePrefix);
    if (c.n !== last.n) still = Date.now();
    last = c;
  }
  const usage = meter.stop();
  const pgCpuSec = pgMeter.stop();
  const [a, b] = await Promise.all([c0!, c1!]);
  const pr = await probes;
  const ep = await endProbes;
  await pipe.stop();
  const windowSec = (b.at - a.at) / 1000;
  const m: Measure = {
    published: expected,
    committed: last.n,
    lost: expected - last.n,
    publishedRate: Math.round((pub.at(b.at) - pub.at(a.at)) / windowSec),
    committedRate: Math.round((b.n - a.n) / windowSec),
    windowSec: Math.round(windowSec * 10) / 10,
    cpuSec: usage.cpuSec,
    cpuMsPer1k:
      usage.cpuSec !== null && last.n ? Math.round(((usage.cpuSec * 1000) / last.n) * 1000 * 10) / 10 : null,
    pgCpuMsPer1k: pgCpuSec !== null && last.n ? Math.round(((pgCpuSec * 1000) / last.n) * 1000 * 10) / 10 : null,
    peakRssMb: usage.peakRssMb,
  };
  if (pr && ep) {
    m.latencyCommitted = { ...summarize(pr.commit.samples), pollMs: ep.pollMs };
    if (pr.live) m.latencyBrowser = summarize(pr.live.samples);
  }
  return m;
}

export interface NewDevices {
  devices: number;
  published: number;
  allExistMs: number | null;
  existing: number;
  duplicateRows: number;
  duplicateCreatedEvents: number | null;
  withTelemetry: number;
  cpuSec: number | null;
  peakRssMb: number | null;
}

/** Scenario 4: each of N unseen devices sent one message by every publisher at once (a creation race). */
export async function runNewDevices(ctx: Ctx, target: Target, n: number): Promise<NewDevices> {
  const t = target[0];
  const prefix = `bench${ctx.tag}/s4${t}`;
  const namePrefix = `${ctx.tag}s4${t}-`;
  const topics = Array.from({ length: n }, (_, i) => topicOf(prefix, `${namePrefix}${i}`));
  const pipe = await pipeline(ctx, target, prefix, { qos: 1 });
  const live = target === 'platform' ? await LiveProbe.connect(ctx.p.url, ctx.api.accessToken) : null;
  if (live) await live.subscribe(['tenant']);
  const meter = new ProcMeter(pipe.pid);
  const plans = plansFor(ctx, topics, 1, 0, 120000, n).map((p) => ({ ...p, topics, maxMessages: n }));
  let t0 = 0;
  const pub = runPublishers(plans, { onStart: (t) => (t0 = t) });
  const count = async () =>
    (
      await ctx.pool.query<{ n: number; d: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM device WHERE tenant_id = $1 AND name LIKE $2`,
        [ctx.tenantId, `${namePrefix}%`],
      )
    ).rows[0]!;
  let c: { n: number; d: number };
  let allExistMs: number | null = null;
  const until = Date.now() + 120000;
  while (Date.now() < until) {
    c = await count();
    if (c.d >= n) {
      allExistMs = Date.now() - t0;
      break;
    }
    await sleep(50);
  }
  await pub;
  await sleep(1500);
  c = await count();
  const withTelemetry = (
    await ctx.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ts_kv_latest l JOIN device d ON d.id = l.entity_id WHERE d.tenant_id = $1 AND d.name LIKE $2 AND l.key = 'temperature'`,
      [ctx.tenantId, `${namePrefix}%`],
    )
  ).rows[0]!.n;
  const usage = meter.stop();
  live?.close();
  await pipe.stop();
  let dupEvents: number | null = null;
  if (live)
    dupEvents = [...live.created.entries()]
      .filter(([name]) => name.startsWith(namePrefix))
      .reduce((s, [, k]) => s + (k - 1), 0);
  return {
    devices: n,
    published: n * plans.length,
    allExistMs,
    existing: c.d,
    duplicateRows: c.n - c.d,
    duplicateCreatedEvents: dupEvents,
    withTelemetry,
    cpuSec: usage.cpuSec,
    peakRssMb: usage.peakRssMb,
  };
}

/** Scenario 6: many integrations, each with its own broker connection and topics, at a fixed total rate. */
export async function runManyIntegrations(
  ctx: Ctx,
  integrations: number,
  perIntegrationRate: number,
  warmupMs: number,
  windowMs: number,
): Promise<Measure & { integrations: number }> {
  const converterId = await ctx.api.createConverter(`MQTT Uplink s6 ${ctx.tag}`, BENCH_DECODER, false);
  const ids: string[] = [];
  const topics: string[] = [];
  const namePrefix = `${ctx.tag}s6p-`;
  for (let k = 0; k < integrations; k++) {
    const prefix = `bench${ctx.tag}/s6/i${k}`;
    ids.push(
      await ctx.api.createIntegration({
        name: `MQTT Integration s6 ${k}`,
        converterId,
        mqttUrl: ctx.p.mqttUrl,
        filter: filterOf(prefix),
        qos: 0,
        clientId: `bb-bench-s6-${ctx.tag}-${k}`,
      }),
    );
    for (let d = 0; d < 10; d++) topics.push(topicOf(prefix, `${namePrefix}${k}x${d}`));
  }
  for (const id of ids) await ctx.api.waitConnected(id);
  const meter = new ProcMeter(ctx.p.pid);
  const durationMs = warmupMs + windowMs;
  let c0: Promise<{ n: number; at: number }> | null = null;
  let c1: Promise<{ n: number; at: number }> | null = null;
  const pub = await runPublishers(plansFor(ctx, topics, 0, integrations * perIntegrationRate, durationMs), {
    onStart: () => {
      c0 = sleep(warmupMs).then(() => countStored(ctx, namePrefix));
      c1 = sleep(durationMs).then(() => countStored(ctx, namePrefix));
    },
  });
  let last = await countStored(ctx, namePrefix);
  let still = Date.now();
  while (last.n < pub.published && Date.now() - still < 3000) {
    await sleep(250);
    const c = await countStored(ctx, namePrefix);
    if (c.n !== last.n) still = Date.now();
    last = c;
  }
  const usage = meter.stop();
  const [a, b] = await Promise.all([c0!, c1!]);
  for (const id of ids) await ctx.api.deleteIntegration(id);
  const windowSec = (b.at - a.at) / 1000;
  return {
    integrations,
    published: pub.published,
    committed: last.n,
    lost: pub.published - last.n,
    publishedRate: Math.round((pub.at(b.at) - pub.at(a.at)) / windowSec),
    committedRate: Math.round((b.n - a.n) / windowSec),
    windowSec: Math.round(windowSec * 10) / 10,
    cpuSec: usage.cpuSec,
    cpuMsPer1k:
      usage.cpuSec !== null && last.n ? Math.round(((usage.cpuSec * 1000) / last.n) * 1000 * 10) / 10 : null,
    peakRssMb: usage.peakRssMb,
  };
}

/** The database name in a postgres:// URL (null when it has none). */
function databaseOf(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || null;
  } catch {
    return null;
  }
}
