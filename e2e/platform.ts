/**
 * Starts the BUILT platform (apps/server/dist/main.js serving apps/web/dist) for the browser tests:
 * a fresh database (a new database on DATABASE_URL's server, or embedded Postgres in a temp DATA_DIR),
 * a broker (MQTT_URL's, or the embedded one on a free port), a free HTTP port. Builds nothing.
 * Suites without a browser (tb-client/) pass `{ web: false }`: then the server runs from source, so a stale build
 * cannot hide a change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SERVER_MAIN = path.join(ROOT, 'apps/server/dist/main.js');
const WEB_DIST = path.join(ROOT, 'apps/web/dist');

export interface Platform {
  baseUrl: string;
  mqttUrl: string;
  brokerHost: string;
  brokerPort: number;
  logs: string[];
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Postgres admin calls through the server's own `pg` (e2e has no database dependency of its own). */
async function adminQuery(url: string, sql: string): Promise<void> {
  type PgClient = { connect(): Promise<void>; query(sql: string): Promise<unknown>; end(): Promise<void> };
  const pg = createRequire(path.join(ROOT, 'apps/server/package.json'))('pg') as { Client: new (o: { connectionString: string }) => PgClient };
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function startPlatform(o: { web?: boolean } = {}): Promise<Platform> {
  const web = o.web ?? true;
  const built = web;
  if (web && !existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run \`pnpm build\` (or \`pnpm --filter @bridgeboard/server... build\`) first`);
  if (web && !existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html is missing: run \`pnpm --filter @bridgeboard/web build\` first`);

  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bb-e2e-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WEB_DIR: web ? WEB_DIST : '',
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'pretty',
  };

  let dropDb: (() => Promise<void>) | null = null;
  if (process.env.DATABASE_URL) {
    const name = `bb_e2e_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const u = new URL(process.env.DATABASE_URL);
    await adminQuery(process.env.DATABASE_URL, `CREATE DATABASE ${name}`);
    const adminUrl = process.env.DATABASE_URL;
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    dropDb = () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    delete env.DATABASE_URL;
    env.EMBEDDED_PG_PORT = String(await freePort());
  }

  let brokerHost = '127.0.0.1';
  let brokerPort: number;
  if (process.env.MQTT_URL) {
    const u = new URL(process.env.MQTT_URL);
    brokerHost = u.hostname;
    brokerPort = Number(u.port || 1883);
    env.EMBEDDED_BROKER = 'off';
  } else {
    brokerPort = await freePort();
    env.EMBEDDED_BROKER = 'on';
    env.EMBEDDED_BROKER_PORT = String(brokerPort);
  }

  const logs: string[] = [];
  const serverDir = path.join(ROOT, 'apps/server');
  if (!built) env.SWC_NODE_PROJECT = path.join(serverDir, 'tsconfig.json');
  const args = built
    ? ['--no-node-snapshot', '--enable-source-maps', SERVER_MAIN]
    : ['--no-node-snapshot', '--import', path.join(ROOT, 'scripts/source-register.mjs'), path.join(serverDir, 'src/main.ts')];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: built ? undefined : serverDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => logs.push(...b.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? -1));

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const t0 = Date.now();
      while (exited === null && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
      if (exited === null) child.kill('SIGKILL');
    }
    await dropDb?.().catch((e: Error) => console.warn(`could not drop the e2e database: ${e.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };

  const t0 = Date.now();
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`the server exited with code ${exited} while starting:\n${logs.slice(-30).join('\n')}`);
    }
    try {
      const r = await fetch(`${baseUrl}/api/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 120_000) {
      await stop();
      throw new Error(`the server did not answer /api/health within 120 s:\n${logs.slice(-30).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, mqttUrl: `mqtt://${brokerHost}:${brokerPort}`, brokerHost, brokerPort, logs, stop };
}
