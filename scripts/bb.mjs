#!/usr/bin/env node
// The README's commands: `node scripts/bb.mjs demo` and `node scripts/bb.mjs test`.
// Needs only Node.js 20 and npm: fetches the pinned pnpm, installs the workspace, runs the script.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

function pnpm(argv) {
  const have = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  const direct = have.status === 0 && have.stdout.trim() === PNPM.split('@')[1];
  const [bin, pre] = direct ? ['pnpm', []] : ['npx', ['-y', PNPM]];
  const r = spawnSync(bin, [...pre, ...argv], { cwd: root, env, stdio: 'inherit' });
  if (r.error) {
    console.error(`Could not run ${bin}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

pnpm(['install', '--frozen-lockfile']);
pnpm([cmd, ...args]);
