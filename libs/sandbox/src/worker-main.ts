/**
 * A sandbox worker process: the only process where isolates live. It may die at any moment (an
 * isolate's out-of-memory can abort it, a script V8 cannot interrupt makes it stop itself); the
 * pool in the server fails or retries what it had in flight and starts another.
 */
import { ScriptCompileError } from './errors.js';
import { IsolateRunner, type Tracker } from './isolate-runner.js';
import type { SandboxLimits } from './limits.js';
import type { WireError, WorkerReply, WorkerRequest } from './protocol.js';

const limits = JSON.parse(process.argv[2] ?? '{}') as Partial<SandboxLimits>;
const runner = new IsolateRunner(limits);
const trackers = new Map<number, Tracker>();
/** A call still inside one isolate call this long after its time limit could not be interrupted. */
const grace = Math.max(500, runner.limits.timeoutMs);

const send = (m: WorkerReply) => new Promise<void>((r) => process.send!(m, undefined, undefined, () => r()));

process.on('message', (m: WorkerRequest) => {
  if (m.op === 'release') return runner.release(m.key);
  const tracker: Tracker = { since: null };
  trackers.set(m.id, tracker);
  handle(m, tracker).then(
    (result) => send({ id: m.id, ok: true, result }),
    (e: unknown) => send({ id: m.id, ok: false, error: toWire(e) }),
  ).finally(() => trackers.delete(m.id));
});

async function handle(m: Exclude<WorkerRequest, { op: 'release' }>, t: Tracker) {
  switch (m.op) {
    case 'compile':
      await runner.compile(m.key, m.kind, m.body, t);
      return undefined;
    case 'check':
      await runner.check(m.kind, m.body, t);
      return undefined;
    case 'once':
      return runner.runOnce(m.kind, m.body, m.args, t);
    case 'run':
      if (m.script) await runner.compile(m.key, m.script.kind, m.script.body, t);
      return runner.runBatch(m.key, m.args, m.budget, t);
  }
}

function toWire(e: unknown): WireError {
  const err = e as Error;
  const w: WireError = { name: err?.name ?? 'Error', message: String(err?.message ?? e) };
  if (e instanceof ScriptCompileError) {
    // the message already carries "(line, column)"; send the parts so the pool can rebuild the error
    w.message = e.message.replace(/ \(line \d+, column \d+\)$/, '');
    if (e.line != null) w.line = e.line;
    if (e.column != null) w.column = e.column;
  }
  return w;
}

// The watchdog: one BigInt-like operation can ignore the isolate's time limit. Then only the
// process can stop it: name the calls, and exit.
setInterval(() => {
  const now = Date.now();
  const stuck = [...trackers].filter(([, t]) => t.since != null && now - t.since > runner.limits.timeoutMs + grace);
  if (!stuck.length) return;
  void send({ op: 'stuck', ids: stuck.map(([id]) => id) }).finally(() => process.exit(71));
}, 100).unref();

process.on('disconnect', () => process.exit(0));
