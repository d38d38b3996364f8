import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER = path.join(ROOT, 'apps/server');

export interface PlatformHandle {
  url: string;
  /** the platform process, for CPU and RSS (null when attached without --pid) */
  pid: number | null;
  /** the database the platform writes to (the floor writes to the same tables) */
  dbUrl: string;
  /** the broker, as publishers and the floor reach it */
  mqttUrl: string;
  how: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  from: 'dist' | 'source';
  /** a Postgres server; a fresh database is created on it and dropped afterwards. Embedded when absent. */
  databaseUrl?: string;
  /** a database another node already uses (a second node of a cluster): neither created nor dropped */
  sharedDatabaseUrl?: string;
  /** a broker; the platform's embedded aedes broker when absent */
  mqttUrl?: string;
  cpuProfDir?: string;
  env?: Record<string, string>;
  log(m: string): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Whether something accepts TCP connections at host:port. */
export function reachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Starts the platform as its own process (built or from source) on a database of its own. */
export async function startPlatform(o: StartOptions): Promise<PlatformHandle> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bb-bench-'));
  // embedded Postgres runs as the postgres user when we are root: it must be able to enter the folder
  chmodSync(tmp, 0o755);
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: tmp,
    LOG_LEVEL: 'warn',
    BCRYPT_ROUNDS: '4',
    // the benchmark polls and creates 100 integrations; the per-tenant REST limit is not under test
    REST_RATE_LIMIT_TENANT: 'off',
    WEB_DIR: '',
    ...o.env,
  };
  let dbUrl: string;
  let dropDb: (() => Promise<void>) | null = null;
  if (o.sharedDatabaseUrl) {
    dbUrl = o.sharedDatabaseUrl;
    env.DATABASE_URL = dbUrl;
  } else if (o.databaseUrl) {
    const name = `bb_bench_${randomBytes(5).toString('hex')}`;
    await adminQuery(o.databaseUrl, `CREATE DATABASE ${name}`);
    const u = new URL(o.databaseUrl);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
    env.DATABASE_URL = dbUrl;
    dropDb = () => adminQuery(o.databaseUrl!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    const pgPort = await freePort();
    env.DATABASE_URL = '';
    env.EMBEDDED_PG_PORT = String(pgPort);
    dbUrl = ''; // known once the platform has written the password file
  }
  let mqttUrl = o.mqttUrl;
  if (mqttUrl) env.EMBEDDED_BROKER = 'off';
  else {
    const bp = await freePort();
    env.EMBEDDED_BROKER = 'on';
    env.EMBEDDED_BROKER_PORT = String(bp);
    mqttUrl = `mqtt://127.0.0.1:${bp}`;
  }
  // the platform's own V8 flags, as `pnpm start` and the Docker image pass them (package.json)
  const prof = ['--max-semi-space-size=64', ...(o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [])];
  // for investigations, e.g. BENCH_PLATFORM_NODE_ARGS=--trace-gc BENCH_PLATFORM_LOG=/tmp/platform.log
  prof.push(...(process.env.BENCH_PLATFORM_NODE_ARGS ?? '').split(' ').filter(Boolean));
  const dist = path.join(SERVER, 'dist/main.js');
  let args: string[];
  if (o.from === 'dist') {
    if (!existsSync(dist))
      throw new Error(`${dist} does not exist: run \`pnpm build\` first, or pass --platform source`);
    args = ['--no-node-snapshot', ...prof, dist];
  } else {
    env.SWC_NODE_PROJECT = path.join(SERVER, 'tsconfig.json');
    args = [
      '--no-node-snapshot',
      ...prof,
      '--import',
      path.join(ROOT, 'scripts/source-register.mjs'),
      path.join(SERVER, 'src/main.ts'),
    ];
  }
  const child = spawn(process.execPath, args, { cwd: SERVER, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  if (process.env.BENCH_PLATFORM_LOG) {
    const out = createWriteStream(process.env.BENCH_PLATFORM_LOG);
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20000);
      await exited;
      clearTimeout(t);
    }
    await dropDb?.().catch((e: Error) => o.log(`could not drop the bench database: ${e.message}`));
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const url = await waitForStart(child, exited, o.log);
    if (!o.databaseUrl && !o.sharedDatabaseUrl) {
      const pw = readFileSync(path.join(tmp, 'pg.password'), 'utf8').trim();
      dbUrl = `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/bridgeboard`;
    }
    return {
      url,
      pid: child.pid ?? null,
      dbUrl,
      mqttUrl,
      how: `${o.from === 'dist' ? 'built (apps/server/dist)' : 'from source (swc)'}; Postgres ${o.databaseUrl ? new URL(o.databaseUrl).host : 'embedded'}; broker ${o.mqttUrl ?? 'embedded aedes'}`,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitForStart(
  child: ChildProcess,
  exited: Promise<number | null>,
  log: (m: string) => void,
): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the platform did not start in 240 s; output:\n${out.slice(-3000)}`)),
      240000,
    );
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Bridgeboard is running at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.length > 100000) out = out.slice(-20000);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the platform exited with code ${code} while starting:\n${out.slice(-3000)}`));
    });
    child.stderr!.on('data', (b: Buffer) => {
      const s = b.toString();
      if (/error|fail/i.test(s)) log(`platform: ${s.trim().slice(0, 400)}`);
    });
  });
}
