#!/usr/bin/env node
// The README's commands: `node scripts/bb.mjs demo` and `node scripts/bb.mjs test`.
// Needs only Node.js 20 and npm: fetches the pinned pnpm, installs the workspace, runs the script.
//
// `demo` builds only the packages whose files changed since their last build (a stamp in each dist/)
// and then runs the platform as this script's child. Every step runs in its own process group and
// SIGINT/SIGTERM/SIGHUP to this process go to that whole group (the server: to the server, which
// stops its sandbox workers and Postgres after storing what it received), so Ctrl-C or a
// supervisor's `kill <pid>` stops everything it started and nothing is left listening.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const [cmd = 'demo', ...args] = process.argv.slice(2);
const PNPM = 'pnpm@12.4.2';
const env = { ...process.env };

// isolated-vm is compiled by node-gyp; where the machine ships Node's own headers for this very
// version, build against them instead of downloading (no download is possible on some machines).
const header = '/usr/include/node/node_version.h';
if (!env.npm_config_nodedir && existsSync(header)) {
  const h = readFileSync(header, 'utf8');
  const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => new RegExp(`NODE_${k}_VERSION (\\d+)`).exec(h)?.[1]).join('.');
  if (`v${v}` === process.version) env.npm_config_nodedir = '/usr';
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNUM = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
let current = null;
let currentGroup = true;
let stopping = null;
for (const sig of SIGNALS)
  process.on(sig, () => {
    stopping ??= sig;
    if (current?.exitCode === null) {
      try {
        // a build step: its whole process group; the server: the server alone, which stops its
        // sandbox workers and Postgres itself once it has stored what it received
        process.kill(currentGroup ? -current.pid : current.pid, sig);
      } catch {
        /* already gone */
      }
    }
  });

/** Runs one step in its own process group; resolves with its exit code (128 + n when a signal ended it). */
function run(bin, argv, { signalGroup = true } = {}) {
  if (stopping) process.exit(0);
  return new Promise((resolve) => {
    const child = spawn(bin, argv, { cwd: root, env, stdio: 'inherit', detached: true });
    current = child;
    currentGroup = signalGroup;
    child.once('error', (e) => {
      console.error(`Could not run ${bin}: ${e.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? 128 + (SIGNUM[signal] ?? 1));
    });
  });
}

const have = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const direct = have.status === 0 && have.stdout.trim() === PNPM.split('@')[1];
const pnpm = async (argv) => {
  const [bin, pre] = direct ? ['pnpm', []] : ['npx', ['-y', PNPM]];
  const code = await run(bin, [...pre, ...argv]);
  // a step stopped by our own signal is a stop, not a failure
  if (stopping) process.exit(0);
  if (code !== 0) process.exit(code);
};

// ---- building only what changed ----

const SKIP = new Set(['node_modules', 'dist', 'coverage', 'test-results', 'screenshots', '.tmp', 'data']);

/** Every file of a package (sources, configs, tests), as one hash. */
function hashDir(dir) {
  const h = createHash('sha256');
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (SKIP.has(e.name) || e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(path.relative(dir, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** Workspace packages with a build script, each after the workspace packages it depends on. */
function buildablePackages() {
  const dirs = ['libs', 'apps'].flatMap((top) =>
    readdirSync(path.join(root, top), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(root, top, e.name, 'package.json')))
      .map((e) => path.join(root, top, e.name)),
  );
  const pkgs = new Map();
  for (const dir of dirs) {
    const pj = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const deps = Object.keys({ ...pj.dependencies, ...pj.devDependencies }).filter((d) => d.startsWith('@bridgeboard/'));
    pkgs.set(pj.name, { name: pj.name, dir, deps, build: !!pj.scripts?.build });
  }
  const order = [];
  const visit = (name) => {
    const p = pkgs.get(name);
    if (!p || order.includes(p)) return;
    p.deps.forEach(visit);
    order.push(p);
  };
  [...pkgs.keys()].sort().forEach(visit);
  return order.filter((p) => p.build);
}

async function buildChanged() {
  const stamps = new Map();
  const rootFiles = ['package.json', 'pnpm-lock.yaml', 'tsconfig.base.json'].map((f) => path.join(root, f));
  const base = createHash('sha256');
  for (const f of rootFiles) if (existsSync(f)) base.update(readFileSync(f));
  const baseHash = base.digest('hex');
  for (const p of buildablePackages()) {
    const h = createHash('sha256').update(baseHash).update(hashDir(p.dir));
    // libs/contracts' sources are compiled into the web app (alias) and its dist into the server
    for (const d of p.deps) h.update(stamps.get(d) ?? '');
    const stamp = h.digest('hex');
    stamps.set(p.name, stamp);
    const file = path.join(p.dir, 'dist', '.bb-build-stamp');
    if (existsSync(file) && readFileSync(file, 'utf8') === stamp) {
      console.log(`${p.name}: unchanged since its last build`);
      continue;
    }
    await pnpm(['--filter', p.name, 'build']);
    writeFileSync(file, stamp);
  }
}

await pnpm(['install', '--frozen-lockfile']);
if (cmd === 'demo') {
  await buildChanged();
  // what `pnpm start` runs, as our own child (no pnpm and shell in between to relay signals)
  const code = await run(process.execPath, ['--no-node-snapshot', '--max-semi-space-size=64', '--enable-source-maps', 'apps/server/dist/main.js', ...args], {
    signalGroup: false,
  });
  process.exit(stopping && code === 128 + SIGNUM[stopping] ? 0 : code);
} else {
  await pnpm([cmd, ...args]);
}
