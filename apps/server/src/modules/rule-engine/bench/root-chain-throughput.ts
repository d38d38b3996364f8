/**
 * Throughput of uplink telemetry through the Root Rule Chain vs. the direct save path (a command,
 * not a test). Boots the platform on a fresh database, publishes N QoS-1 messages on the real
 * broker and counts stored points; alternates both paths for several rounds.
 *
 *   cd apps/server && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres MQTT_URL=mqtt://127.0.0.1:1883 \
 *     node --no-node-snapshot --import @swc-node/register/esm-register src/modules/rule-engine/bench/root-chain-throughput.ts [N] [rounds]
 */
import mqtt from 'mqtt';
import pg from 'pg';
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { startPlatform } from '../../../app.js';
import { loadConfig } from '../../../config/config.js';
import { TelemetryService } from '../../telemetry/telemetry.service.js';
import { DeviceService } from '../../devices/device.service.js';
import type { UplinkSink } from '../../../common/ports.js';

const N = Number(process.argv[2] ?? 10000);
const ROUNDS = Number(process.argv[3] ?? 3);
const DEVICES = 100;
const WINDOW = 800;
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const mqttUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';

const DECODER = `var d = JSON.parse(String.fromCharCode.apply(String, payload));
var v = {}; v[d.k] = d.seq;
return { deviceName: d.d, deviceType: 'bench', attributes: { integrationName: metadata.integrationName }, telemetry: { ts: d.ts, values: v } };`;

const tenantOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).tenantId as string;

async function main(): Promise<void> {
  const name = `bb_bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: u.toString(),
    EMBEDDED_BROKER: 'off',
    LOG_LEVEL: 'error',
    BCRYPT_ROUNDS: '4',
  });
  // the UPLINK_SINK port, bound by the rule engine, wrapped in a bench-only switch between it and a direct save
  const sinks: { chain: UplinkSink | null; direct: UplinkSink | null; use: 'direct' | 'chain' } = { chain: null, direct: null, use: 'chain' };
  const p = await startPlatform(config, {
    quiet: true,
    uplinkSink: (rootChain) => {
      sinks.chain = rootChain;
      return { handle: (batch) => (sinks.use === 'direct' && sinks.direct ? sinks.direct : rootChain).handle(batch) };
    },
  });
  try {
    const http = () => request(p.app.getHttpServer());
    const token = (
      await http()
        .post('/api/auth/login')
        .send({ username: config.TENANT_EMAIL, password: config.TENANT_PASSWORD })
    ).body.token;
    const auth = { 'X-Authorization': `Bearer ${token}` };
    const conv = await http()
      .post('/api/converter')
      .set(auth)
      .send({
        name: 'bench',
        type: 'UPLINK',
        debugMode: false,
        configuration: { scriptLang: 'JS', decoder: DECODER },
      });
    const prefix = `bench-${randomBytes(3).toString('hex')}`;
    const b = new URL(mqttUrl);
    const integ = await http()
      .post('/api/integration')
      .set(auth)
      .send({
        name: 'Bench',
        type: 'MQTT',
        enabled: true,
        debugMode: false,
        defaultConverterId: conv.body.id,
        configuration: {
          clientConfiguration: {
            host: b.hostname,
            port: Number(b.port || 1883),
            cleanSession: true,
            retainedMessage: false,
            ssl: false,
            connectTimeoutSec: 5,
            clientId: `bench-${prefix}`,
            maxBytesInMessage: 32768,
            credentials: { type: 'anonymous' },
          },
          topicFilters: [{ filter: `${prefix}/+`, qos: 1 }],
          downlinkTopicPattern: '${topic}',
          metadata: {},
        },
      });
    if (integ.status !== 200) throw new Error(JSON.stringify(integ.body));
    for (let i = 0; i < 100; i++) {
      if (
        (await http().get(`/api/integration/${integ.body.id.id}/status`).set(auth)).body.status ===
        'CONNECTED'
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const telemetry = p.app.get(TelemetryService);
    const chainSink = sinks.chain!;
    const directSink: UplinkSink = (sinks.direct = {
      handle: (batch) =>
        telemetry.saveBatch(
          batch.map((m) => ({
            tenantId: m.tenantId,
            deviceId: m.device.id.id,
            attributes: m.attributes,
            telemetry: m.telemetry,
          })),
        ),
    });
    const pub = await mqtt.connectAsync(mqttUrl, { clientId: `bench-pub-${prefix}` });
    const count = async (key: string) =>
      Number(
        (await p.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_named WHERE key = $1', [key]))[0]!.n,
      );

    const run = async (label: string, key: string): Promise<number> => {
      const t0 = Date.now();
      const ts = Date.now();
      const sends: Promise<unknown>[] = [];
      let stored = 0;
      for (let i = 0; i < N; i++) {
        // The broker keeps ~1000 unacknowledged messages per subscriber (mosquitto's max_queued_messages)
        // and drops the rest, so at most WINDOW messages are in flight.
        while (i - stored >= WINDOW) {
          await new Promise((r) => setTimeout(r, 5));
          stored = await count(key);
        }
        const d = `bench-${i % DEVICES}`;
        sends.push(
          pub.publishAsync(`${prefix}/${d}`, JSON.stringify({ d, k: key, seq: i, ts: ts + i }), { qos: 1 }),
        );
      }
      await Promise.all(sends);
      for (;;) {
        const n = await count(key);
        if (n >= N) break;
        if (Date.now() - t0 > 300_000) throw new Error(`${label}: only ${n} of ${N} stored after 300 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const rate = N / ((Date.now() - t0) / 1000);
      process.stdout.write(
        `${label.padEnd(16)} ${N} messages in ${((Date.now() - t0) / 1000).toFixed(2)} s = ${rate.toFixed(0)} msg/s\n`,
      );
      return rate;
    };

    // Warm both paths first: devices created, scripts compiled, chain loaded, JIT warm.
    sinks.use = 'direct';
    await run('warm-up direct', 'wd');
    sinks.use = 'chain';
    await run('warm-up chain', 'wc');
    const direct: number[] = [];
    const chain: number[] = [];
    const ratios: number[] = [];
    // ABBA order, so a load change on the (shared) machine does not favour one path.
    for (let r = 0; r < ROUNDS; r++) {
      const order: ['direct' | 'chain', 'direct' | 'chain'] =
        r % 2 ? ['chain', 'direct'] : ['direct', 'chain'];
      const got: Record<string, number> = {};
      for (const path of order) {
        sinks.use = path;
        got[path] = await run(`${path === 'direct' ? 'direct' : 'root chain'} #${r + 1}`, `${path}${r}`);
      }
      direct.push(got.direct!);
      chain.push(got.chain!);
      ratios.push(got.chain! / got.direct!);
    }
    const med = (a: number[]) => {
      const x = [...a].sort((p, q) => p - q);
      return x.length % 2 ? x[(x.length - 1) / 2]! : (x[x.length / 2 - 1]! + x[x.length / 2]!) / 2;
    };
    process.stdout.write(
      `\nmedian direct save path: ${med(direct).toFixed(0)} msg/s; through the Root Rule Chain: ${med(chain).toFixed(0)} msg/s ` +
        `(${((100 * med(chain)) / med(direct)).toFixed(1)}%; median of paired ratios ${(100 * med(ratios)).toFixed(1)}%)\n`,
    );
    // The same comparison without the broker: batches of 500 handed straight to each sink (real Postgres).
    const devices = await p.app
      .get(DeviceService)
      .page(tenantOf(token), { page: 0, pageSize: DEVICES, textSearch: 'bench-' });
    // The platform process' CPU per message (user + system) of each run: steadier than the rates
    // on a shared machine, and the Postgres side is the same statement for both paths.
    const cpu: Record<'direct' | 'chain', number[]> = { direct: [], chain: [] };
    const SINK_BATCHES = 40;
    const tenantId = tenantOf(token);
    const sinkRun = async (sink: typeof directSink, key: string): Promise<number> => {
      const t0 = Date.now();
      const c0 = process.cpuUsage();
      for (let b = 0; b < SINK_BATCHES; b++) {
        const batch = Array.from({ length: 500 }, (_, i) => ({
          tenantId,
          integrationId: integ.body.id.id,
          integrationName: 'Bench',
          device: devices.data[i % devices.data.length]!,
          deviceCreated: false,
          attributes: { integrationName: 'Bench' },
          telemetry: [{ ts: Date.now() + b * 500 + i, values: { [key]: i } }],
          metadata: { topic: 'bench' },
        }));
        await sink.handle(batch);
      }
      const c = process.cpuUsage(c0);
      cpu[sink === directSink ? 'direct' : 'chain'].push((c.user + c.system) / (SINK_BATCHES * 500));
      return (SINK_BATCHES * 500) / ((Date.now() - t0) / 1000);
    };
    const sd: number[] = [];
    const sc: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2) {
        sc.push(await sinkRun(chainSink, `sc${r}`));
        sd.push(await sinkRun(directSink, `sd${r}`));
      } else {
        sd.push(await sinkRun(directSink, `sd${r}`));
        sc.push(await sinkRun(chainSink, `sc${r}`));
      }
    }
    process.stdout.write(
      `sinks only (no broker), batches of 500: direct ${med(sd).toFixed(0)} msg/s; Root Rule Chain ${med(sc).toFixed(0)} msg/s (${((100 * med(sc)) / med(sd)).toFixed(1)}%); ` +
        `platform CPU per message: direct ${med(cpu.direct).toFixed(1)} µs, Root Rule Chain ${med(cpu.chain).toFixed(1)} µs\n`,
    );
    await pub.endAsync();
  } finally {
    await p.close();
    const c2 = new pg.Client({ connectionString: admin });
    await c2.connect();
    await c2.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c2.end();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
