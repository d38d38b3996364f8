import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FromPublisher, PublishPlan, ToPublisher } from './publisher.js';
import type { FloorConfig, FromFloor, ToFloor } from './floor.js';
import type { NodeRedConfig, ToNodeRed } from './nodered.js';

const REGISTER = path.join(import.meta.dirname, '../../scripts/source-register.mjs');
const child = (file: string): ChildProcess =>
  fork(path.join(import.meta.dirname, file), [], {
    execArgv: ['--no-node-snapshot', '--import', REGISTER],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

export interface Published {
  published: number;
  /** for QoS 1: acknowledged by the broker */
  acked: number;
  firstAt: number;
  lastAt: number;
  /** published by time t (all processes) */
  at(t: number): number;
}

/**
 * Runs publisher processes: all connect, then start together. `received` (when given) closes the
 * loop for max-rate runs: publishing stays at most `window` messages ahead of what the pipeline took in.
 */
export async function runPublishers(
  plans: PublishPlan[],
  opts: { received?: () => Promise<number>; window?: number; onStart?: (t0: number) => void } = {},
): Promise<Published> {
  const kids = plans.map(() => child('publisher.ts'));
  const sent = plans.map(() => 0);
  const done: Extract<FromPublisher, { type: 'done' }>[] = [];
  let fail: ((e: Error) => void) | null = null;
  const failed = new Promise<never>((_, rej) => (fail = rej));
  failed.catch(() => undefined);
  const ready = kids.map(
    (k, i) =>
      new Promise<void>((resolve) => {
        k.on('message', (m: FromPublisher) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'progress') sent[i] = m.sent;
          else if (m.type === 'done') done[i] = m;
          else if (m.type === 'error') fail!(new Error(`publisher: ${m.message}`));
        });
        k.once('exit', (code) => {
          if (!done[i]) fail!(new Error(`publisher process exited with code ${code} before finishing`));
        });
        k.send({ type: 'run', plan: plans[i]! } satisfies ToPublisher);
      }),
  );
  await Promise.race([Promise.all(ready), failed]);
  let stopCredit = false;
  const window = opts.window ?? 20000;
  const credit = async () => {
    while (!stopCredit) {
      const r = await opts.received!().catch(() => null);
      if (r !== null) {
        const upTo = Math.floor((r + window) / kids.length);
        // a publisher that just finished may close its channel between the check and the write:
        // with a callback the EPIPE goes there instead of crashing the run as an 'error' event
        for (const k of kids)
          if (k.connected) k.send({ type: 'credit', upTo } satisfies ToPublisher, () => undefined);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  if (opts.received)
    for (const k of kids)
      k.send({ type: 'credit', upTo: Math.floor(window / kids.length) } satisfies ToPublisher);
  const t0 = Date.now();
  for (const k of kids) k.send({ type: 'go' } satisfies ToPublisher);
  opts.onStart?.(t0);
  const looping = opts.received ? credit() : Promise.resolve();
  const exits = kids.map(
    (k) => new Promise<void>((r) => (k.exitCode !== null ? r() : k.once('exit', () => r()))),
  );
  try {
    await Promise.race([Promise.all(exits), failed]);
  } finally {
    stopCredit = true;
    await looping;
    for (const k of kids) if (k.exitCode === null) k.kill();
  }
  const at = (t: number) =>
    done.reduce((sum, d) => {
      let v = 0;
      for (const [ts, n] of d.series) if (ts <= t) v = n;
      return sum + v;
    }, 0);
  return {
    published: done.reduce((s, d) => s + d.published, 0),
    acked: done.reduce((s, d) => s + d.acked, 0),
    firstAt: Math.min(...done.map((d) => d.firstAt)),
    lastAt: Math.max(...done.map((d) => d.lastAt)),
    at,
  };
}

export type Reference = {
  pid: number;
  received(): number;
  stop(): Promise<Extract<FromFloor, { type: 'stopped' }>>;
};

/** The floor reference in its own process. */
export const startFloor = (config: FloorConfig) => startReference('floor.ts', config);
/** The Node-RED reference in its own process. */
export const startNodeRed = (config: NodeRedConfig) => startReference('nodered.ts', config);

async function startReference(file: string, config: FloorConfig | NodeRedConfig): Promise<Reference> {
  const k = child(file);
  const name = file.replace(/\.ts$/, '');
  let last: ((m: FromFloor) => void) | null = null;
  let received = 0;
  k.on('message', (m: FromFloor) => {
    if (m.type === 'progress') {
      received = m.received;
      return;
    }
    if (m.type === 'error' && !last) process.stderr.write(`${name}: ${m.message}\n`);
    last?.(m);
  });
  k.once('exit', (code) => last?.({ type: 'error', message: `${name} process exited with code ${code}` }));
  const next = () => new Promise<FromFloor>((r) => (last = r));
  const p = next();
  k.send({ type: 'start', config } as ToFloor | ToNodeRed);
  const m = await p;
  if (m.type !== 'ready') throw new Error(`${name} did not start: ${JSON.stringify(m)}`);
  last = null;
  return {
    pid: k.pid!,
    received: () => received,
    stop: async () => {
      const p2 = new Promise<FromFloor>((r) => (last = (x) => x.type === 'stopped' && r(x)));
      k.send({ type: 'stop' } satisfies ToFloor);
      return (await p2) as Extract<FromFloor, { type: 'stopped' }>;
    },
  };
}
