// What the sandbox worker pool costs the server: 1000-message uplink batches of the guide decoder,
// in the pool (server CPU per message, the worker's separately) against an IsolateRunner in this
// process (what the server paid before the pool). Run: pnpm --filter @bridgeboard/sandbox bench:pool
import { GUIDE_DECODER } from '@bridgeboard/contracts';
import { readFileSync } from 'node:fs';
import { Sandbox, UPLINK_KIND } from '../src/index.js';
import { IsolateRunner } from '../src/isolate-runner.js';

const N = 1000;
const ROUNDS = Number(process.argv[2] ?? 40);
const batch = Array.from({ length: N }, (_, i) => [
  new Uint8Array(Buffer.from(JSON.stringify({ value: 20 + i / 100, t: Date.now() }))),
  { topic: `tb/mqtt-integration-tutorial/sensors/SN-${i}/temperature`, integrationName: 'MQTT Integration' },
]);
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const childCpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const childPids = () =>
  readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

async function rounds(run: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  for (let i = 0; i < 5; i++) await run();
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < ROUNDS; i++) await run();
  return { wallMs: (performance.now() - t0) / ROUNDS, cpuMs: (cpuMs() - c0) / ROUNDS };
}

const local = new IsolateRunner();
await local.compile('k', UPLINK_KIND, GUIDE_DECODER);
const l = await rounds(() => local.runBatch('k', batch));
local.dispose();
console.log(`in process   ${l.wallMs.toFixed(1)} ms per batch; server CPU ${((l.cpuMs * 1000) / N).toFixed(1)} µs/msg (isolate thread included)`);

const pool = new Sandbox({}, { pool: { workers: 1 } });
await pool.compile('k', UPLINK_KIND, GUIDE_DECODER);
await pool.runBatch('k', batch);
const [worker] = childPids();
const w0 = childCpuMs(worker!);
const p = await rounds(() => pool.runBatch('k', batch));
const w = (childCpuMs(worker!) - w0) / (ROUNDS + 5);
pool.dispose();
console.log(
  `worker pool  ${p.wallMs.toFixed(1)} ms per batch; server CPU ${((p.cpuMs * 1000) / N).toFixed(1)} µs/msg, worker CPU ${((w * 1000) / N).toFixed(1)} µs/msg`,
);
