// Shared by the tests that run the platform as a separate OS process (fault tests, cluster tests;
// not a test file itself): a node started as users start it, that a test can SIGKILL or stop.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { freePort } from '../src/infra/embedded-postgres.js';
import { eventually } from './helpers.js';

/**
 * The platform as a child process: `node --no-node-snapshot src/main.ts` through swc-node (the
 * workspace libraries mapped to their src/), so it runs the code under test even where nothing is
 * built yet (`pnpm test` runs before any build). Its own PORT; DATABASE_URL, NODE_ID and the rest
 * from `env`, as an operator sets them.
 */
export class ChildPlatform {
  proc: ChildProcess | null = null;
  url = '';
  tenantToken = '';
  sysadminToken = '';
  log = '';
  mqttUrl = process.env.MQTT_URL!;
  private readonly pool: pg.Pool;
  readonly db: { query<T>(sql: string, params?: unknown[]): Promise<T[]> };
  constructor(
    readonly dbUrl: string,
    readonly env: Record<string, string> = {},
  ) {
    this.pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
    this.db = {
      query: async <T>(sql: string, params: unknown[] = []) =>
        (await this.pool.query(sql, params)).rows as T[],
    };
  }

  http = () => request(this.url);

  async start(): Promise<number> {
    const t0 = Date.now();
    this.log = '';
    const port = await freePort();
    const root = path.resolve(import.meta.dirname, '..');
    const p = spawn(
      process.execPath,
      [
        '--no-node-snapshot',
        '--import',
        path.resolve(root, '../../scripts/source-register.mjs'),
        'src/main.ts',
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: this.dbUrl,
          EMBEDDED_BROKER: 'off',
          REST_RATE_LIMIT_TENANT: 'off',
          BCRYPT_ROUNDS: '4',
          LOG_LEVEL: 'warn',
          INTEGRATION_RECONNECT_MIN_MS: '200',
          INTEGRATION_RECONNECT_MAX_MS: '2000',
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.proc = p;
    const onData = (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-20000);
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
    this.url = `http://127.0.0.1:${port}`;
    await eventually(
      () => Promise.resolve(this.log.includes('Bridgeboard is running') || p.exitCode !== null),
      120000,
      100,
    );
    if (p.exitCode !== null) throw new Error(`platform exited: ${this.log}`);
    this.tenantToken = await this.login('tenant@example.com', 'tenant');
    this.sysadminToken = await this.login('sysadmin@example.com', 'sysadmin');
    return Date.now() - t0;
  }

  async login(username: string, password: string): Promise<string> {
    const r = await this.http().post('/api/auth/login').send({ username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  }

  /**
   * Open TCP connections of this process to the broker (MQTT_URL's port), seen from the operating
   * system: one per MQTT integration the node runs.
   */
  brokerConnections(): number {
    const pid = this.proc?.pid;
    if (!pid || this.proc?.exitCode !== null) return 0;
    const port = Number(new URL(this.mqttUrl).port || 1883);
    return openConnections(pid, port);
  }

  kill9(): void {
    this.proc?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (p && p.exitCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      // a timer left pending would keep jest alive ("did not exit") after the last test
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 10000)))]);
      clearTimeout(timer);
      if (p.exitCode === null) p.kill('SIGKILL');
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await this.pool.end();
  }
}

/** Established TCP connections (IPv4 and IPv6) of process `pid` to remote port `port` (Linux /proc). */
export function openConnections(pid: number, port: number): number {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return 0;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // remote address "ADDR:PORT", state 01 = ESTABLISHED, inode in column 10
      if (f.length > 9 && f[2]!.endsWith(`:${hexPort}`) && f[3] === '01' && inodes.has(f[9]!)) n++;
    }
  }
  return n;
}
