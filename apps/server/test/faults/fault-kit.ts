// Shared by the fault tests (not a test file itself). Builds on the integration test-kit
// (TcpProxy, publishers, SEQ_DECODER); adds what only fault runs need: an own Mosquitto that can
// be restarted, a slow TCP proxy and figures. The platform as a child process that can be
// SIGKILLed is ../child-platform.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort } from '../../src/infra/embedded-postgres.js';
import { bearer, eventually, type TestPlatform } from '../helpers.js';
import { countPoints, deviceByName, rnd } from '../../src/modules/integrations/test-kit.js';
import { IntegrationRuntime } from '../../src/modules/integrations/runtime/integration-runtime.js';

/** Seconds for a fault phase: FAULT_DURATION_SEC when set (pnpm test:faults sets the long form), else the short CI form. */
export function faultSeconds(short: number, long: number): number {
  const v = process.env.FAULT_DURATION_SEC;
  if (v === 'long') return long;
  return v ? Math.min(Number(v), long) : short;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A private Mosquitto with persistence, so QoS 1 persistent sessions survive its restart (SIGTERM saves them). */
export class OwnMosquitto {
  private proc: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-mosq-'));
  private constructor(
    readonly port: number,
    private readonly maxQueued: number,
  ) {}

  static async start(opts: { maxQueued?: number } = {}): Promise<OwnMosquitto> {
    const m = new OwnMosquitto(await freePort(), opts.maxQueued ?? 1000);
    // Mosquitto started as root drops to its own user: it must be able to write its database here
    fs.chmodSync(m.dir, 0o777);
    fs.writeFileSync(
      path.join(m.dir, 'mosquitto.conf'),
      [
        `listener ${m.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${m.dir}/`,
        'autosave_interval 0',
        `max_queued_messages ${m.maxQueued}`,
        ...(process.env.FAULT_MOSQUITTO_LOG
          ? [`log_dest file ${m.dir}.log`, 'log_type all']
          : ['log_dest none']),
        '',
      ].join('\n'),
    );
    await m.up();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.proc = spawn('/usr/sbin/mosquitto', ['-c', path.join(this.dir, 'mosquitto.conf')], {
      stdio: 'ignore',
    });
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(this.port, '127.0.0.1', () => (s.destroy(), resolve(true)));
          s.on('error', () => resolve(false));
        }),
      10000,
      50,
    );
  }

  /** A clean stop: Mosquitto writes its sessions and queued messages to disk. */
  async down(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill('SIGTERM');
    });
  }

  async restart(downMs = 500): Promise<void> {
    await this.down();
    await sleep(downMs);
    await this.up();
  }

  async close(): Promise<void> {
    await this.down();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP proxy that holds every chunk for `delayMs` in both directions (order kept): a slow network or database. */
export class SlowProxy {
  private constructor(
    private readonly server: net.Server,
    private readonly sockets: Set<net.Socket>,
    readonly port: number,
  ) {}

  static async start(host: string, targetPort: number, delayMs: () => number): Promise<SlowProxy> {
    const sockets = new Set<net.Socket>();
    const relay = (from: net.Socket, to: net.Socket) => {
      let chain = Promise.resolve();
      from.on('data', (chunk) => {
        const d = delayMs();
        chain = chain
          .then(() => (d ? sleep(d) : undefined))
          .then(() => void (to.destroyed || to.write(chunk)));
      });
    };
    const server = net.createServer((client) => {
      const upstream = net.connect(targetPort, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => (sockets.delete(s), client.destroy(), upstream.destroy()));
      }
      relay(client, upstream);
      relay(upstream, client);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return new SlowProxy(server, sockets, (server.address() as net.AddressInfo).port);
  }

  async close(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Peak RSS / heap of a process while a test runs (this process, or a child by pid via /proc). */
export class MemoryWatch {
  peakRssMb = 0;
  firstRssMb = 0;
  samples: number[] = [];
  private timer: NodeJS.Timeout;
  constructor(pid?: () => number | undefined, everyMs = 250) {
    const sample = () => {
      const mb = pid ? childRssMb(pid()) : process.memoryUsage().rss / 2 ** 20;
      if (!mb) return;
      if (!this.firstRssMb) this.firstRssMb = mb;
      this.samples.push(mb);
      this.peakRssMb = Math.max(this.peakRssMb, mb);
    };
    sample();
    this.timer = setInterval(sample, everyMs);
    this.timer.unref();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

function childRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export interface Figures {
  published: number;
  stored: number;
  lost: number;
  duplicates?: number;
  recoveryMs?: number;
  peakRssMb?: number;
  [k: string]: unknown;
}

/** Prints a test's figures and keeps them for docs/reliability.md (FAULT_FIGURES_FILE, one JSON line per test). */
export function report(test: string, f: Figures): void {
  const line = {
    test,
    at: new Date().toISOString(),
    durationSec: process.env.FAULT_DURATION_SEC ?? 'short',
    ...f,
  };
  for (const k of Object.keys(line) as (keyof typeof line)[])
    if (typeof line[k] === 'number')
      (line as Record<string, unknown>)[k] = Math.round((line[k] as number) * 10) / 10;
  process.stdout.write(`\n[fault figures] ${JSON.stringify(line)}\n`);
  const file = process.env.FAULT_FIGURES_FILE ?? path.join(os.tmpdir(), 'bb-fault-figures.jsonl');
  fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/**
 * A steady QoS 1 stream of numbered messages ({d, seq, ts}, the SEQ_DECODER format) from a
 * persistent-session publisher: `rate` msgs/s until stop(). `published` counts PUBACKed messages.
 */
export class SeqStream {
  published = 0;
  private sent = 0;
  private stopped = false;
  private readonly done: Promise<void>;
  private readonly base = Date.now() - 3_600_000;
  private constructor(
    readonly client: MqttClient,
    readonly topic: string,
    readonly device: string,
    rate: number,
    /** publishes at most this many messages, then waits for stop() */
    readonly max = Infinity,
  ) {
    this.done = this.run(rate);
  }

  static async start(
    url: string,
    topic: string,
    device: string,
    rate: number,
    opts: mqtt.IClientOptions & { max?: number } = {},
  ): Promise<SeqStream> {
    const client = await mqtt.connectAsync(url, {
      clientId: `bb-fpub-${rnd()}`,
      clean: false,
      reconnectPeriod: 250,
      protocolVersion: 4,
      ...opts,
    });
    client.on('error', () => undefined);
    return new SeqStream(client, topic, device, rate, opts.max ?? Infinity);
  }

  private async run(rate: number): Promise<void> {
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
    const inflight = new Set<Promise<unknown>>();
    while (!this.stopped) {
      const t0 = Date.now();
      for (let k = 0; k < perTick && this.sent < this.max; k++) {
        const seq = this.sent++;
        const p: Promise<unknown> = this.client
          .publishAsync(this.topic, JSON.stringify({ d: this.device, seq, ts: this.base + seq }), { qos: 1 })
          .then(() => this.published++)
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      // never more than a few seconds of messages waiting for PUBACK (the broker may be down)
      while (inflight.size > rate * 5 && !this.stopped) await Promise.race(inflight);
      await sleep(Math.max(0, tickMs - (Date.now() - t0)));
    }
    await Promise.all(inflight);
  }

  /** Stops publishing and waits until every sent message is acknowledged by the broker. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.done;
    await this.client.endAsync();
    return this.sent;
  }
}

/** Waits until all `n` distinct sequence numbers of `device` are stored; returns the stored count either way. */
export async function waitStored(
  p: Pick<TestPlatform, 'db' | 'http' | 'tenantToken'>,
  device: string,
  n: number,
  timeoutMs: number,
): Promise<number> {
  const dev = await eventually(() => deviceByName(p as TestPlatform, device), timeoutMs);
  let stored = 0;
  await eventually(
    async () => (stored = await countPoints(p as TestPlatform, dev.id.id)) >= n,
    timeoutMs,
    200,
  ).catch(() => undefined);
  return stored;
}

/** messagesIn of an integration: every delivery, redeliveries included (duplicates = messagesIn - published). */
export async function statusOf(
  p: Pick<TestPlatform, 'http' | 'tenantToken'>,
  id: string,
): Promise<{ status: string; messagesIn: number; errors: number; lastError?: string | null }> {
  return (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
}

/** Debug events of an integration with status ERROR (newest first). */
export async function errorEvents(
  p: Pick<TestPlatform, 'http' | 'tenantToken'>,
  id: string,
  pageSize = 1000,
): Promise<{ body: { error?: string; in?: string; status: string; type?: string } }[]> {
  const r = await p
    .http()
    .get(`/api/events/INTEGRATION/${id}?pageSize=${pageSize}&page=0`)
    .set(bearer(p.tenantToken));
  return (r.body.data as { body: { error?: string; status: string } }[]).filter(
    (e) => e.body.status === 'ERROR' || e.body.error,
  );
}

/** The missing sequence numbers of a device as ranges ("12-40, 77"), for a failing test's message. */
export async function missingRanges(
  p: Pick<TestPlatform, 'db' | 'http' | 'tenantToken'>,
  device: string,
  sent: number,
): Promise<string> {
  const dev = await deviceByName(p as TestPlatform, device);
  if (!dev) return 'device not created';
  const rows = await p.db.query<{ v: string }>(
    `SELECT long_v AS v FROM ts_kv_named WHERE entity_id = $1 AND key = 'seq'`,
    [dev.id.id],
  );
  const have = new Set(rows.map((r) => Number(r.v)));
  const out: string[] = [];
  for (let i = 0; i < sent; i++) {
    if (have.has(i)) continue;
    let j = i;
    while (j + 1 < sent && !have.has(j + 1)) j++;
    out.push(i === j ? `${i}` : `${i}-${j}`);
    i = j;
  }
  return out.slice(0, 20).join(', ') || 'none';
}

/** Every status change of one integration, as the runtime pushes it (exact, unlike polling). */
export function recordStatuses(p: TestPlatform, id: string): { list: string[]; stop(): void } {
  const rt = p.app.get(IntegrationRuntime);
  const list: string[] = [];
  const on = (_t: string, iid: string, s: { status: string }) => {
    if (iid === id && list.at(-1) !== s.status) list.push(s.status);
  };
  rt.events.on('status', on);
  return { list, stop: () => void rt.events.off('status', on) };
}

/** Status straight from the runtime (works while Postgres, and so the API, is down). */
export function runtimeStatus(
  p: TestPlatform,
  id: string,
): { status: string; messagesIn: number; errors: number; lastError?: string | null } {
  return p.app.get(IntegrationRuntime).status('', id);
}
