/**
 * Top self-time costs of a V8 .cpuprofile (from `pnpm bench --cpu-prof`), by function and by file.
 * Usage: node --import ../scripts/source-register.mjs src/profile-top.ts <file.cpuprofile> [n] [skip seconds]
 * (skip the start-up, e.g. 10, to see the steady state only)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, nArg, skipArg] = process.argv.slice(2);
process.stdout.on('error', () => process.exit(0));
if (!file) {
  process.stderr.write('usage: profile-top.ts <file.cpuprofile> [n]\n');
  process.exit(2);
}
const n = Number(nArg ?? 25);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const self = new Map<number, number>();
const skipUs = Number(skipArg ?? 0) * 1e6;
let at = 0;
prof.samples.forEach((id, i) => {
  at += prof.timeDeltas[i] ?? 0;
  if (at >= skipUs) self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const short = (url: string) => {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0)
    return (
      u
        .slice(nm + 13)
        .split('/')
        .slice(0, u.slice(nm + 13).startsWith('@') ? 2 : 1)
        .join('/') +
      ':' +
      path.basename(u)
    );
  const src = u.indexOf('/src/');
  return src >= 0 ? u.slice(Math.max(0, u.lastIndexOf('/', src - 1) + 1)) : u || '(native)';
};
const fn = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, t] of self) {
  const c = byId.get(id)!.callFrame;
  const k = `${c.functionName || '(anonymous)'}  ${short(c.url)}${c.url ? `:${c.lineNumber + 1}` : ''}`;
  fn.set(k, (fn.get(k) ?? 0) + t);
  const f = c.url
    ? short(c.url).replace(/:[^:]*$/, (m) => (c.url.includes('node_modules') ? '' : m))
    : `(${c.functionName || 'native'})`;
  files.set(f, (files.get(f) ?? 0) + t);
}
const show = (m: Map<string, number>, title: string) => {
  process.stdout.write(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)\n`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
    process.stdout.write(
      `${((t / total) * 100).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}\n`,
    );
};
show(fn, 'self time by function');
show(files, 'self time by file / package');
