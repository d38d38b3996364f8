import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { Api } from './api.js';
import { startMosquitto } from './broker.js';
import { startPlatform, type PlatformHandle } from './platform.js';
import {
  runLoad,
  runManyIntegrations,
  runNewDevices,
  type Ctx,
  type LoadSpec,
  type Measure,
  type NewDevices,
} from './scenarios.js';
import { ROOT } from './platform.js';
import { median } from './stats.js';
import { interleaved, slowerPct } from './ab.js';

export interface BenchOptions {
  scenarios: number[];
  /** steady window per scenario, s (scenario 3 defaults to 60) */
  durationSec?: number;
  warmupSec: number;
  publishers: number;
  floor: boolean;
  /** also run the Node-RED 4 reference (scenarios 0 and 1) */
  nodered?: boolean;
  platform: 'dist' | 'source';
  /** use a running platform instead of starting one */
  url?: string;
  pid?: number;
  databaseUrl?: string;
  mqttUrl?: string;
  cpuProfDir?: string;
  tenant: { username: string; password: string };
  /** the raw archive on the started platform: on (RAW_RETENTION_DAYS 7) or off (0); absent: the platform's default */
  archive?: 'on' | 'off';
  /**
   * GET /metrics and message traces on the platform (METRICS_ENABLED, TRACE_MESSAGES): 'on' (the
   * default, as deployed), 'off', or 'both': scenario 1 in `opsRounds` rounds, each starting one
   * platform with them on and one with them off (the order alternating), so the two are compared in the same run.
   */
  ops?: 'on' | 'off' | 'both';
  opsRounds?: number;
  /** what the 'off' arm of --ops both switches off: both (default), only metrics, or only traces */
  opsVary?: 'both' | 'metrics' | 'traces';
  log(m: string): void;
}

export interface ScenarioResult {
  id: number;
  name: string;
  target: string;
  platform: Measure | NewDevices | (Measure & { integrations: number });
  floor?: Measure | NewDevices;
  /** scenario 7: the same load on one node (platform is then the two-node cluster) */
  single?: Measure;
  /** the Node-RED 4 reference on the same load (--nodered; scenarios 0 and 1) */
  nodered?: Measure;
  /** headline figure / the floor's */
  ratio?: number | null;
  /** Node-RED's committed rate / the floor's */
  noderedRatio?: number | null;
  /** measured against the target */
  pass: boolean | null;
  verdict: string;
}

export interface BenchRun {
  startedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    platform: string;
    uptimeBefore: string;
    uptimeAfter?: string;
    loadavgBefore: number[];
    loadavgAfter?: number[];
  };
  commit: string;
  dirty: boolean;
  setup: string;
  options: Omit<BenchOptions, 'log' | 'tenant'>;
  results: ScenarioResult[];
}

const withoutPassword = (url: string | undefined) => {
  if (!url) return url;
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

export const NAMES: Record<number, string> = {
  0: 'smoke: 300 QoS 1 messages, 20 devices',
  1: 'QoS 0 max rate, 1,000 devices',
  2: 'QoS 1 at-least-once, max rate',
  3: 'fixed 5,000 msgs/s latency',
  4: '10,000 new devices',
  5: 'scenario 1, converter debug on',
  6: '100 integrations x 100 msgs/s',
  7: 'cluster: 2 nodes, shared subscription vs 1 node, QoS 1 fixed rate',
};

export async function runBench(o: BenchOptions): Promise<BenchRun> {
  const run: BenchRun = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      uptimeBefore: sh('uptime'),
      loadavgBefore: os.loadavg().map((x) => Math.round(x * 100) / 100),
    },
    commit: sh('git rev-parse HEAD'),
    dirty: sh('git status --porcelain') !== '',
    setup: '',
    // no passwords in result files
    options: {
      ...o,
      databaseUrl: withoutPassword(o.databaseUrl),
      log: undefined,
      tenant: undefined,
    } as unknown as BenchRun['options'],
    results: [],
  };
  if (o.ops === 'both') {
    run.results.push(...(await runOpsAB(o, run)));
  } else {
    const opened = await openPlatform(o, o.ops !== 'off');
    run.setup = opened.how;
    try {
      const { ctx } = opened;
      const warmupMs = o.warmupSec * 1000;
      const win = (def: number) => (o.durationSec ?? def) * 1000;
      const both = async <T>(
        f: (target: 'platform' | 'floor') => Promise<T>,
      ): Promise<[T, T | undefined]> => {
        const p = await f('platform');
        const fl = o.floor ? await f('floor') : undefined;
        return [p, fl];
      };
      const s1rate: { v: number | null } = { v: null };
      for (const id of o.scenarios) {
        o.log(`scenario ${id}: ${NAMES[id]}…`);
        const r = await scenario(id, ctx, o, warmupMs, win, both, s1rate);
        run.results.push(r);
        o.log(`  ${r.verdict}`);
      }
    } finally {
      await opened.close();
    }
  }
  run.machine.uptimeAfter = sh('uptime');
  run.machine.loadavgAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);
  return run;
}

/**
 * Environment of a platform the bench starts: the raw archive as asked (--archive), operations features
 * on (as deployed) or, with `opsOn` false, what --ops-vary names off.
 */
const platformEnv = (o: BenchOptions, opsOn: boolean): Record<string, string> => ({
  ...(o.archive ? { RAW_RETENTION_DAYS: o.archive === 'on' ? '7' : '0' } : {}),
  METRICS_ENABLED: opsOn || o.opsVary === 'traces' ? 'on' : 'off',
  TRACE_MESSAGES: opsOn || o.opsVary === 'metrics' ? 'on' : 'off',
});

/** A platform (started here, or the one at --url) with the tenant logged in: what the scenarios run against. */
async function openPlatform(
  o: BenchOptions,
  opsOn: boolean,
): Promise<{ ctx: Ctx; how: string; close(): Promise<void> }> {
  let broker: Awaited<ReturnType<typeof startMosquitto>> = null;
  let platform: PlatformHandle;
  if (o.url) {
    if (!o.databaseUrl || !o.mqttUrl)
      throw new Error('--url needs --database-url and --mqtt-url (the ones that platform uses)');
    platform = {
      url: o.url,
      pid: o.pid ?? null,
      dbUrl: o.databaseUrl,
      mqttUrl: o.mqttUrl,
      how: `running platform at ${o.url}`,
      stop: async () => undefined,
    };
  } else {
    let mqttUrl = o.mqttUrl;
    if (!mqttUrl) {
      broker = await startMosquitto();
      mqttUrl = broker?.url;
    }
    const env = platformEnv(o, opsOn);
    o.log(
      `starting the platform (${o.platform}; ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')})…`,
    );
    try {
      platform = await startPlatform({
        from: o.platform,
        databaseUrl: o.databaseUrl,
        mqttUrl,
        cpuProfDir: o.cpuProfDir,
        env,
        log: o.log,
      });
    } catch (e) {
      await broker?.stop();
      throw e;
    }
    if (broker) platform.how = platform.how.replace(broker.url, `${broker.url} (private Mosquitto)`);
  }
  o.log(`platform: ${platform.how}`);
  const pool = new pg.Pool({ connectionString: platform.dbUrl, max: 3 });
  // an idle client dropped by the server (shutdown, DROP … WITH (FORCE)) must not crash the run; queries still reject
  pool.on('error', (e) => o.log(`database connection closed: ${e.message}`));
  const close = async () => {
    await pool.end();
    await platform.stop();
    await broker?.stop();
  };
  try {
    const api = new Api(platform.url);
    await api.login(o.tenant.username, o.tenant.password);
    const t = await pool.query<{ tenant_id: string }>('SELECT tenant_id FROM tb_user WHERE email = $1', [
      o.tenant.username,
    ]);
    const ctx: Ctx = {
      p: platform,
      api,
      pool,
      tenantId: t.rows[0]!.tenant_id,
      tag: randomBytes(3).toString('hex'),
      publishers: o.publishers,
      log: o.log,
    };
    return { ctx, how: platform.how, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Scenario 1 with operations on and off, interleaved: each round starts a platform with metrics and
 * traces on and one with them off (which goes first alternates), so machine noise spreads over both.
 * While on, GET /metrics is scraped every 10 s as Prometheus would. The last result compares medians.
 */
async function runOpsAB(o: BenchOptions, run: BenchRun): Promise<ScenarioResult[]> {
  const rounds = Math.max(1, o.opsRounds ?? 2);
  const spec: LoadSpec = {
    key: 's1',
    qos: 0,
    devices: 1000,
    rate: 0,
    warmupMs: o.warmupSec * 1000,
    windowMs: (o.durationSec ?? 20) * 1000,
  };
  const out: ScenarioResult[] = [];
  const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const cpu: Record<'on' | 'off', number[]> = { on: [], off: [] };
  await interleaved(['on', 'off'] as const, rounds, async (mode, r) => {
    const opened = await openPlatform(o, mode === 'on');
    run.setup ||= opened.how;
    let scrapes = 0;
    const scraper =
      mode === 'on'
        ? setInterval(() => {
            void fetch(`${opened.ctx.p.url}/metrics`).then(
              (res) => (res.ok ? (scrapes++, res.text()) : undefined),
              () => undefined,
            );
          }, 10_000)
        : null;
    try {
      o.log(`scenario 1 with ops ${mode} (round ${r + 1} of ${rounds})…`);
      const p = await runLoad(opened.ctx, 'platform', spec);
      rates[mode].push(p.committedRate);
      if (p.cpuMsPer1k != null) cpu[mode].push(p.cpuMsPer1k);
      const verdict = `${p.committedRate} msgs/s committed, lost ${p.lost}, CPU ${p.cpuMsPer1k ?? '-'} ms per 1,000${mode === 'on' ? `, /metrics scraped ${scrapes} times` : ''}`;
      o.log(`  ${verdict}`);
      out.push({
        id: 1,
        name: `${NAMES[1]}, ops ${mode}, round ${r + 1}`,
        target: 'measured for the comparison',
        platform: p,
        pass: null,
        verdict,
      });
    } finally {
      if (scraper) clearInterval(scraper);
      await opened.close();
    }
  });
  const on = median(rates.on);
  const off = median(rates.off);
  // each round's two runs share that moment's noise: the median of the rounds' own slowdowns is the
  // comparison (the medians of the arms are shown too; they also carry the drift between rounds)
  const paired = rates.on.map((x, i) => slowerPct(x, rates.off[i]!)).filter((x): x is number => x !== null);
  const slower = paired.length ? median(paired, 1) : null;
  const cpuText = cpu.on.length && cpu.off.length ? `; CPU ms per 1,000 median on ${median(cpu.on)}, off ${median(cpu.off)}` : '';
  out.push({
    id: 1,
    name: `${NAMES[1]}: ${o.opsVary === 'metrics' ? 'metrics' : o.opsVary === 'traces' ? 'traces' : 'metrics and traces'} on vs off`,
    target: '<= 3% slower with them on',
    platform: [...out].reverse().find((x) => x.name.includes('ops on'))!.platform,
    ratio: ratioOf(on, off),
    pass: slower === null ? null : slower <= 3,
    verdict: `median on ${on} msgs/s (${rates.on.join(', ')}), off ${off} msgs/s (${rates.off.join(', ')}); per round ${paired.join(', ')}% slower: median ${slower ?? '?'}% slower with them on${cpuText}`,
  });
  o.log(`  ${out.at(-1)!.verdict}`);
  return out;
}

type Both = <T>(f: (target: 'platform' | 'floor') => Promise<T>) => Promise<[T, T | undefined]>;

/** The Node-RED reference on the same load, right after the platform and the floor (--nodered). */
async function withNodeRed(ctx: Ctx, o: BenchOptions, spec: LoadSpec, floor: Measure | undefined) {
  if (!o.nodered) return {};
  const n = await runLoad(ctx, 'nodered', spec);
  return { nodered: n, noderedRatio: ratioOf(n.committedRate, floor?.committedRate) };
}
const ratioOf = (a: number | null | undefined, b: number | null | undefined) =>
  a != null && b ? Math.round((a / b) * 100) / 100 : null;

async function scenario(
  id: number,
  ctx: Ctx,
  o: BenchOptions,
  warmupMs: number,
  win: (d: number) => number,
  both: Both,
  s1: { v: number | null },
): Promise<ScenarioResult> {
  const base = { id, name: NAMES[id]! };
  switch (id) {
    case 0: {
      const spec = {
        key: 's0',
        qos: 1 as const,
        devices: 20,
        rate: 300,
        warmupMs: 500,
        windowMs: 1500,
        maxMessages: 300,
        latency: true,
      };
      const [p, f] = await both((t) => runLoad(ctx, t, spec));
      const nr = await withNodeRed(ctx, o, spec, f);
      return {
        ...base,
        target: 'everything published is stored',
        platform: p,
        floor: f,
        ...nr,
        ratio: ratioOf(p.committedRate, f?.committedRate),
        pass: p.lost === 0 && (f?.lost ?? 0) === 0 && (nr.nodered?.lost ?? 0) === 0,
        verdict:
          `platform stored ${p.committed}/${p.published}, floor ${f?.committed ?? '-'}/${f?.published ?? '-'}` +
          (nr.nodered ? `, Node-RED ${nr.nodered.committed}/${nr.nodered.published}` : ''),
      };
    }
    case 1:
    case 5: {
      const spec = {
        key: `s${id}`,
        qos: 0 as const,
        devices: 1000,
        rate: 0,
        warmupMs,
        windowMs: win(20),
        debug: id === 5,
      };
      const [p, f] =
        id === 1
          ? await both((t) => runLoad(ctx, t, spec))
          : [await runLoad(ctx, 'platform', spec), undefined];
      if (id === 1) {
        s1.v = p.committedRate;
        const ratio = ratioOf(p.committedRate, f?.committedRate);
        const nr = await withNodeRed(ctx, o, spec, f);
        const n = nr.nodered;
        // issue 13: at least as fast as Node-RED 4 doing the same job, when it ran
        const pass =
          p.committedRate >= 30000 &&
          (ratio === null || ratio >= 0.75) &&
          (!n || p.committedRate >= n.committedRate);
        return {
          ...base,
          target: `>= 30,000 msgs/s and >= 0.75 x floor${n ? ' and >= Node-RED' : ''}`,
          platform: p,
          floor: f,
          ...nr,
          ratio,
          pass,
          verdict:
            `${p.committedRate} msgs/s committed (floor ${f?.committedRate ?? '-'}; ratio ${ratio ?? '-'}), lost ${p.lost}` +
            (n
              ? `; Node-RED ${n.committedRate} msgs/s (${nr.noderedRatio ?? '-'} x floor, platform ${ratioOf(p.committedRate, n.committedRate) ?? '-'} x Node-RED), lost ${n.lost}`
              : ''),
        };
      }
      const slower = s1.v ? Math.round((1 - p.committedRate / s1.v) * 1000) / 10 : null;
      return {
        ...base,
        target: '<= 30% slower than scenario 1',
        platform: p,
        ratio: ratioOf(p.committedRate, s1.v),
        pass: slower === null ? null : slower <= 30,
        verdict: `${p.committedRate} msgs/s committed; ${slower ?? '?'}% slower than scenario 1`,
      };
    }
    case 2: {
      const spec = { key: 's2', qos: 1 as const, devices: 1000, rate: 0, warmupMs, windowMs: win(20) };
      const [p, f] = await both((t) => runLoad(ctx, t, spec));
      const ratio = ratioOf(p.committedRate, f?.committedRate);
      return {
        ...base,
        target: '>= 15,000 msgs/s, 0 lost',
        platform: p,
        floor: f,
        ratio,
        pass: p.committedRate >= 15000 && p.lost === 0,
        verdict: `${p.committedRate} msgs/s committed (floor ${f?.committedRate ?? '-'}; ratio ${ratio ?? '-'}), lost ${p.lost}`,
      };
    }
    case 3: {
      const spec = {
        key: 's3',
        qos: 0 as const,
        devices: 1000,
        rate: 5000,
        warmupMs,
        windowMs: win(60),
        latency: true,
      };
      const [p, f] = await both((t) => runLoad(ctx, t, spec));
      const c = p.latencyCommitted?.p99 ?? null;
      const b = p.latencyBrowser?.p99 ?? null;
      return {
        ...base,
        target: 'p99 committed <= 50 ms, browser <= 100 ms',
        platform: p,
        floor: f,
        ratio: ratioOf(c, f?.latencyCommitted?.p99),
        pass: c !== null && b !== null && c <= 50 && b <= 100 && p.lost === 0,
        verdict: `p50/p95/p99 committed ${p.latencyCommitted?.p50}/${p.latencyCommitted?.p95}/${c} ms (floor p99 ${f?.latencyCommitted?.p99 ?? '-'}), browser ${p.latencyBrowser?.p50}/${p.latencyBrowser?.p95}/${b} ms; ${p.committedRate} msgs/s, lost ${p.lost}`,
      };
    }
    case 4: {
      const [p, f] = await both((t) => runNewDevices(ctx, t, 10000));
      const pass =
        p.allExistMs !== null &&
        p.allExistMs <= 10000 &&
        p.duplicateRows === 0 &&
        (p.duplicateCreatedEvents ?? 0) === 0;
      return {
        ...base,
        target: 'all exist <= 10 s, 0 duplicates',
        platform: p,
        floor: f,
        ratio: ratioOf(p.allExistMs, f?.allExistMs),
        pass,
        verdict: `${p.existing}/${p.devices} exist after ${p.allExistMs ?? '>120000'} ms (floor ${f?.allExistMs ?? '-'} ms); duplicates ${p.duplicateRows} rows, ${p.duplicateCreatedEvents} created events`,
      };
    }
    case 6: {
      const p = await runManyIntegrations(ctx, 100, 100, warmupMs, win(20));
      return {
        ...base,
        target: 'all 10,000 msgs/s stored, RSS <= 400 MB',
        platform: p,
        pass: p.lost === 0 && p.committedRate >= 9500 && (p.peakRssMb ?? Infinity) <= 400,
        verdict: `${p.committedRate} msgs/s committed of ${p.publishedRate} published, lost ${p.lost}, peak RSS ${p.peakRssMb} MB`,
      };
    }
    case 7: {
      // the same fixed QoS 1 load on one node, then on two nodes sharing one integration ($share/…);
      // the machine's cores are shared by both nodes, Postgres, the broker and the publishers
      const rate = Number(process.env.BENCH_CLUSTER_RATE ?? 3000);
      const spec = { key: 's7', qos: 1 as const, devices: 200, rate, warmupMs, windowMs: win(20) };
      if (!ctx.p.pid || /aedes/.test(ctx.p.how) || !ctx.p.mqttUrl)
        return {
          ...base,
          target: 'needs a started platform and Mosquitto',
          platform: await runLoad(ctx, 'platform', spec),
          pass: null,
          verdict: 'skipped: shared subscriptions need Mosquitto (aedes has none)',
        };
      const one = await runLoad(ctx, 'platform', spec);
      const second = await startPlatform({
        from: o.platform,
        sharedDatabaseUrl: ctx.p.dbUrl,
        mqttUrl: ctx.p.mqttUrl,
        env: { NODE_ID: 'bench-node-2' },
        log: o.log,
      });
      try {
        const api = new Api(second.url);
        await api.login(o.tenant.username, o.tenant.password);
        const two = await runLoad({ ...ctx, second: { p: second, api } }, 'cluster', { ...spec, key: 's7c' });
        const cpu = ratioOf(two.cpuMsPer1k, one.cpuMsPer1k);
        return {
          ...base,
          target: 'report only: nothing lost; CPU per 1,000 messages on 2 nodes vs 1',
          platform: two,
          single: one,
          ratio: ratioOf(two.committedRate, one.committedRate),
          pass: two.lost === 0 && one.lost === 0,
          verdict: `${rate} msgs/s offered: 1 node ${one.committedRate} msgs/s at ${one.cpuMsPer1k ?? '-'} CPU ms/1k; 2 nodes ${two.committedRate} msgs/s at ${two.cpuMsPer1k ?? '-'} CPU ms/1k (both nodes, ${cpu ?? '-'} x); lost ${one.lost}/${two.lost}`,
        };
      } finally {
        await second.stop();
      }
    }
    default:
      throw new Error(`no scenario ${id} (there are 1-7, and 0 for the smoke run)`);
  }
}
