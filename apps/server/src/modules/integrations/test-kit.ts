// Shared by the integration medium tests (not a test file itself).
import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import request from 'supertest';
import { loadConfig } from '../../config/config.js';
import { startPlatform } from '../../app.js';
import { bearer, eventually, type TestPlatform } from '../../../test/helpers.js';

/** The guide's decoder, unmodified (the one copy in @bridgeboard/contracts). */
export { GUIDE_DECODER } from '@bridgeboard/contracts';

/** A decoder for counting tests: {"d": deviceName, "seq": n, "ts": ms} → telemetry seq at ts (redelivery is idempotent). */
export const SEQ_DECODER = `var s = String.fromCharCode.apply(String, payload);
var d = JSON.parse(s);
return { deviceName: d.d, deviceType: 'counter', telemetry: { ts: d.ts, values: { seq: d.seq } } };`;

/** What the API helpers need of a platform: an in-process one or a node in a child process. */
export type Api = Pick<TestPlatform, 'http' | 'tenantToken'>;

export const rnd = () => randomBytes(4).toString('hex');

export async function createConverter(p: Api, decoder: string, token = p.tenantToken, type: 'UPLINK' | 'DOWNLINK' = 'UPLINK'): Promise<string> {
  const configuration = type === 'UPLINK' ? { scriptLang: 'JS', decoder } : { scriptLang: 'JS', encoder: decoder };
  const r = await p.http().post('/api/converter').set(bearer(token)).send({ name: `conv-${rnd()}`, type, debugMode: false, configuration });
  if (r.status !== 200) throw new Error(`converter: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id.id;
}

export function mqttTarget(p: Pick<TestPlatform, 'mqttUrl'>): { host: string; port: number } {
  const u = new URL(p.mqttUrl);
  return { host: u.hostname, port: Number(u.port || 1883) };
}

export interface IntegrationOpts {
  name?: string;
  converterId: string;
  filters: { filter: string; qos: number }[];
  host?: string;
  port?: number;
  cleanSession?: boolean;
  clientId?: string;
  debugMode?: boolean;
  maxBytesInMessage?: number;
  credentials?: Record<string, unknown>;
  ssl?: boolean;
  metadata?: Record<string, string>;
}

export function integrationBody(p: Pick<TestPlatform, 'mqttUrl'>, o: IntegrationOpts): Record<string, unknown> {
  const t = mqttTarget(p);
  return {
    name: o.name ?? `MQTT Integration ${rnd()}`,
    type: 'MQTT',
    enabled: true,
    debugMode: o.debugMode ?? false,
    defaultConverterId: { entityType: 'CONVERTER', id: o.converterId },
    configuration: {
      clientConfiguration: {
        host: o.host ?? t.host,
        port: o.port ?? t.port,
        cleanSession: o.cleanSession ?? false,
        retainedMessage: false,
        ssl: o.ssl ?? false,
        connectTimeoutSec: 5,
        clientId: o.clientId ?? `bb-test-${rnd()}`,
        maxBytesInMessage: o.maxBytesInMessage ?? 32768,
        credentials: o.credentials ?? { type: 'anonymous' },
      },
      topicFilters: o.filters,
      downlinkTopicPattern: '${topic}',
      metadata: o.metadata ?? {},
    },
  };
}

export async function createIntegration(p: Api & Pick<TestPlatform, 'mqttUrl'>, o: IntegrationOpts, token = p.tenantToken): Promise<{ id: string; body: Record<string, unknown> }> {
  const r = await p.http().post('/api/integration').set(bearer(token)).send(integrationBody(p, o));
  if (r.status !== 200) throw new Error(`integration: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id.id, body: r.body };
}

export async function waitStatus(p: Api, id: string, want: string | RegExp, timeoutMs = 15000): Promise<string> {
  return eventually(async () => {
    const r = await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken));
    const s = r.body.status as string;
    return (typeof want === 'string' ? s === want : want.test(s)) ? s : null;
  }, timeoutMs).catch(async (e) => {
    const r = await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken));
    throw new Error(`${(e as Error).message}; status is ${JSON.stringify(r.body)}`);
  });
}

export async function publisher(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `bb-pub-${rnd()}`, reconnectPeriod: 200, ...opts });
}

export async function deviceByName(p: Api, name: string, token = p.tenantToken): Promise<{ id: { id: string }; type: string } | null> {
  const r = await p.http().get(`/api/tenant/devices?deviceName=${encodeURIComponent(name)}`).set(bearer(token));
  return r.status === 200 ? r.body : null;
}

/** Number of stored points of `key` for a device. */
export async function countPoints(p: { db: Pick<TestPlatform['db'], 'query'> }, deviceId: string, key = 'seq'): Promise<number> {
  const rows = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_named WHERE entity_id = $1 AND key = $2', [deviceId, key]);
  return Number(rows[0]!.n);
}

/** A TCP proxy a test starts between the platform and a service, to cut and restore the link. */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  port = 0;
  private constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  static async start(host: string, targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy(host, targetPort);
    await p.listen(0);
    return p;
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Refuses new connections and drops the open ones. */
  async cut(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const sock of this.sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Open connections stay up but nothing from the service reaches the client any more (a half-dead link). */
  blackhole(): void {
    for (const { client, upstream } of this.pairs) {
      upstream.unpipe(client);
      upstream.on('data', () => undefined);
    }
  }

  /** What the service sends is held back (buffered, not lost) until release(): late answers, e.g. a PUBACK. */
  hold(): void {
    for (const { client, upstream } of this.pairs) {
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  release(): void {
    for (const { client, upstream } of this.pairs) upstream.pipe(client);
  }

  async restore(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }
}

/** A platform on a given database URL (its own, so it can be stopped and started again). */
export async function startPlatformOn(dbUrl: string, env: Record<string, string> = {}): Promise<TestPlatform> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrl,
    EMBEDDED_BROKER: 'off',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'error',
    INTEGRATION_RECONNECT_MIN_MS: '200',
    INTEGRATION_RECONNECT_MAX_MS: '2000',
    ...env,
  });
  const p = await startPlatform(config, { quiet: true });
  const http = () => request(p.app.getHttpServer());
  const login = async (username: string, password: string) => {
    const r = await http().post('/api/auth/login').send({ username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status}`);
    return r.body.token as string;
  };
  return {
    ...p,
    config,
    mqttUrl: process.env.MQTT_URL!,
    http,
    login,
    tenantToken: await login(config.TENANT_EMAIL, config.TENANT_PASSWORD),
    sysadminToken: await login(config.ADMIN_EMAIL, config.ADMIN_PASSWORD),
    stop: () => p.close(),
  };
}

/** Removes a persistent session from the broker (so test runs leave nothing queued behind). */
export async function dropSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  await c.endAsync();
}

/** Publishes `n` sequence messages for the given device names, `perTick` every `tickMs`. */
export async function publishSeq(
  pub: MqttClient,
  topicOf: (i: number) => string,
  n: number,
  opts: { qos: 0 | 1; names: string[]; perTick?: number; tickMs?: number; from?: number; base?: number; onProgress?: (sent: number) => void | Promise<void> },
): Promise<void> {
  const base = opts.base ?? Date.now() - 10 * n;
  const per = opts.perTick ?? n;
  for (let i = opts.from ?? 0; i < n; i += per) {
    const batch: Promise<unknown>[] = [];
    for (let k = i; k < Math.min(n, i + per); k++) {
      const d = opts.names[k % opts.names.length]!;
      batch.push(pub.publishAsync(topicOf(k), JSON.stringify({ d, seq: k, ts: base + k }), { qos: opts.qos }));
    }
    await Promise.all(batch);
    await opts.onProgress?.(Math.min(n, i + per));
    if (opts.tickMs) await new Promise((r) => setTimeout(r, opts.tickMs));
  }
}
