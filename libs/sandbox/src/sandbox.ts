import os from 'node:os';
import { ScriptCompileError, ScriptNotCompiledError, SandboxBusyError, type RunErrorCode } from './errors.js';
import { parseBatch, scriptHash, suspension, type BatchResult, type Budget, type PackedBatch, type RunResult } from './isolate-runner.js';
import { packArgs } from './pack.js';
import type { ScriptKind } from './kinds.js';
import { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
import type { WireError, WorkerRequest } from './protocol.js';
import { WorkerProcess, type ExitCause } from './worker-process.js';

export type { BatchResult, RunResult };

export interface ScriptStats {
  runs: number;
  errors: number;
  errorsInRow: number;
  suspendedUntil: number | null;
  /** invocations refused because the script was suspended */
  suspendedRuns: number;
  lastError: string | null;
}

/** How the pool is laid out; the server maps its SANDBOX_* keys onto these. */
export interface PoolOptions {
  /** worker processes (default: one per core) */
  workers: number;
  /** calls in flight per worker; one tenant gets at most half of them on each worker */
  workerConcurrency: number;
  /** calls one tenant may have waiting or running at once; more are refused with SandboxBusyError */
  tenantQueue: number;
  /** a worker's resident memory cap, MB (what isolate heap limits do not count); 0 = none */
  workerMaxRssMb: number;
  /** worker deaths one tenant's test runs may cause per minute before its test runs are refused for a while */
  tenantCrashLimit: number;
}

export const DEFAULT_POOL: PoolOptions = {
  workers: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
  workerConcurrency: 4,
  tenantQueue: 64,
  workerMaxRssMb: 1536,
  tenantCrashLimit: 3,
};

export interface CallOptions {
  /** whose call this is, for the fair share (default: the platform's own) */
  tenant?: string;
  /** how errors name the script ("converter 'Decoder'") */
  label?: string;
}

export interface WorkerExit {
  worker: number;
  cause: ExitCause;
  inFlight: number;
}

export interface PoolStatus {
  workers: number;
  alive: number;
  restarts: number;
  inFlight: number;
  queued: number;
  queuedByTenant: Record<string, number>;
}

interface Script {
  key: string;
  kind: ScriptKind;
  body: string;
  hash: string;
  tenant: string;
  label: string;
  stats: ScriptStats;
  /** when, in the last minute, a call of this script killed its worker (MEMORY / CRASHED) */
  deaths: number[];
  /** why the current suspension began, when it was not consecutive errors */
  suspendedFor: string | null;
}

type Outcome =
  | { ok: true; result?: PackedBatch }
  | { ok: false; error: WireError }
  | { dead: ExitCause; alone: boolean };

interface Call {
  id: number;
  tenant: string;
  req: Exclude<WorkerRequest, { op: 'release' }>;
  items: number;
  throwaway: boolean;
  script?: Script;
  done(o: Outcome): void;
}

class Slot {
  readonly inFlight = new Map<number, Call>();
  readonly queues = new Map<string, Call[]>();
  readonly compiled = new Map<string, string>();
  rr = 0;
  deathsInRow = 0;
  restartTimer: NodeJS.Timeout | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  constructor(
    readonly index: number,
    readonly proc: WorkerProcess,
    /** the isolation worker: one call at a time, for calls that were in a worker when it died */
    readonly isolation: boolean,
  ) {}
  queued(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }
}

const PLATFORM = '';
const ISOLATION_IDLE_MS = 30_000;

/**
 * The only place user JavaScript runs, seen from the server: a pool of supervised worker
 * processes holding isolated-vm isolates (an isolate's out-of-memory can abort its process, so
 * never the server's). Whole batches cross IPC. A compiled script lives on the worker its key
 * hashes to; throwaway test runs go to the least busy worker.
 *
 * Fair share: each tenant has a bounded number of calls waiting or running, and at most half of
 * a worker's slots; a worker serves tenants round robin. A worker that dies fails only what it had
 * in flight: a call that was alone on it gets MEMORY / CRASHED / TIMEOUT, the others run again one
 * item at a time on a separate isolation worker, so only the guilty item fails.
 */
export class Sandbox {
  readonly limits: SandboxLimits;
  readonly pool: PoolOptions;
  private readonly slots: Slot[];
  private isolationSlot: Slot | null = null;
  private readonly scripts = new Map<string, Script>();
  private readonly compiling = new Map<string, { hash: string; done: Promise<void> }>();
  private readonly tenantLoad = new Map<string, number>();
  private readonly crashes = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly onExit?: (e: WorkerExit) => void;
  private nextId = 1;
  private restarts = 0;
  private disposed = false;

  constructor(
    limits: Partial<SandboxLimits> = {},
    opts: { now?: () => number; pool?: Partial<PoolOptions>; onWorkerExit?: (e: WorkerExit) => void } = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.pool = { ...DEFAULT_POOL, ...opts.pool };
    this.now = opts.now ?? Date.now;
    this.onExit = opts.onWorkerExit;
    this.slots = Array.from({ length: Math.max(1, this.pool.workers) }, (_, i) => this.newSlot(i, false));
  }

  /**
   * Compiles `body` under `key` unless that exact version is already there.
   * A new version replaces the old one (and clears its error count). Throws ScriptCompileError.
   */
  compile(key: string, kind: ScriptKind, body: string, opts: CallOptions = {}): Promise<void> {
    const hash = scriptHash(kind, body);
    if (this.scripts.get(key)?.hash === hash) return Promise.resolve();
    const pending = this.compiling.get(key);
    if (pending && pending.hash === hash) return pending.done;
    const tenant = opts.tenant ?? PLATFORM;
    const script: Script = { key, kind, body, hash, tenant, label: opts.label ?? 'The script', stats: newStats(), deaths: [], suspendedFor: null };
    const slot = this.slotOf(key);
    const done = this.submit(tenant, () =>
      this.aloneOnDeath((isolated) =>
        this.call(isolated ? this.isolation() : slot, {
          tenant,
          items: 1,
          throwaway: false,
          script,
          req: { id: 0, op: 'compile', key, kind, body },
        }),
      ),
    ).then((o) => {
      this.settleCompile(o, script.label);
      this.scripts.set(key, script);
    });
    const entry = { hash, done };
    this.compiling.set(key, entry);
    const clear = () => {
      if (this.compiling.get(key) === entry) this.compiling.delete(key);
    };
    done.then(clear, clear);
    return done;
  }

  /** Whether `key` holds this version of the script. */
  has(key: string, kind: ScriptKind, body: string): boolean {
    return this.scripts.get(key)?.hash === scriptHash(kind, body);
  }

  /** Checks that a script compiles, without keeping it. Throws ScriptCompileError. */
  async check(kind: ScriptKind, body: string, opts: CallOptions = {}): Promise<void> {
    const tenant = opts.tenant ?? PLATFORM;
    this.refuseCrashing(tenant);
    const o = await this.submit(tenant, () =>
      this.aloneOnDeath((isolated) =>
        this.call(isolated ? this.isolation() : this.leastBusy(), {
          tenant,
          items: 1,
          throwaway: true,
          req: { id: 0, op: 'check', kind, body },
        }),
      ),
    );
    this.settleCompile(o, opts.label ?? 'The script');
  }

  /** Runs the script once per argument list; results are index-aligned. Never throws for script errors. */
  async runBatch(key: string, argsList: unknown[][]): Promise<BatchResult> {
    const s = this.scripts.get(key);
    if (!s) throw new ScriptNotCompiledError(key);
    if (!argsList.length) return { results: [], consoleLines: [] };
    const refused = this.suspendedText(s);
    if (refused) {
      s.stats.suspendedRuns += argsList.length;
      return { results: argsList.map(() => fail(refused, 'SUSPENDED')), consoleLines: [] };
    }
    const budget: Budget = {
      errorsInRow: s.stats.errorsInRow,
      lastError: s.stats.lastError,
      maxErrors: this.limits.maxErrors,
      suspendUntil: this.now() + this.limits.suspendMs,
    };
    const run = (args: unknown[][], slot: Slot) =>
      this.call(slot, { tenant: s.tenant, items: args.length, throwaway: false, script: s, req: { id: 0, op: 'run', key, budget, ...argsFor(args) } });
    const result = await this.submitBatch(s.tenant, argsList, s.label, run, this.slotOf(key));
    named(result.results, s.label);
    this.account(s, result.results);
    return result;
  }

  /** Compiles and runs a script in a throwaway isolate (test runs): no caching, no suspension. Throws ScriptCompileError. */
  async runOnce(kind: ScriptKind, body: string, argsList: unknown[][], opts: CallOptions = {}): Promise<BatchResult> {
    const tenant = opts.tenant ?? PLATFORM;
    this.refuseCrashing(tenant);
    const label = opts.label ?? 'The script';
    const run = (args: unknown[][], slot: Slot) =>
      this.call(slot, { tenant, items: args.length, throwaway: true, req: { id: 0, op: 'once', kind, body, ...argsFor(args) } });
    const result = await this.submitBatch(tenant, argsList, label, run, this.leastBusy());
    // memory bombs in test runs: after a few, the tenant's test runs wait (its saved scripts get suspended instead)
    for (const r of result.results) if (!r.ok && (r.code === 'MEMORY' || r.code === 'CRASHED')) this.noteCrash(tenant);
    return result;
  }

  stats(key: string): ScriptStats | null {
    const s = this.scripts.get(key);
    return s ? { ...s.stats } : null;
  }

  status(): PoolStatus {
    const all = this.allSlots();
    const queuedByTenant: Record<string, number> = {};
    for (const [t, n] of this.tenantLoad) queuedByTenant[t] = n;
    return {
      workers: this.slots.length,
      alive: this.slots.filter((s) => s.proc.alive).length,
      restarts: this.restarts,
      inFlight: all.reduce((n, s) => n + s.inFlight.size, 0),
      queued: all.reduce((n, s) => n + s.queued(), 0),
      queuedByTenant,
    };
  }

  /** Forgets a key and frees its isolate. */
  release(key: string): void {
    this.scripts.delete(key);
    for (const slot of this.allSlots())
      if (slot.compiled.delete(key) && slot.proc.alive) slot.proc.send({ id: 0, op: 'release', key });
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.allSlots()) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.proc.stop();
      const gone: Outcome = { ok: false, error: { name: 'Error', message: 'The sandbox was shut down' } };
      for (const c of slot.inFlight.values()) c.done(gone);
      for (const q of slot.queues.values()) for (const c of q) c.done(gone);
      slot.inFlight.clear();
      slot.queues.clear();
    }
  }

  // ---- submission: the tenant's quota, and what happens when a worker dies under a call

  /** Counts a top-level call against its tenant's queue; retries after a crash do not count again. */
  private async submit<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new Error('The sandbox was shut down');
    const load = this.tenantLoad.get(tenant) ?? 0;
    if (load >= this.pool.tenantQueue)
      throw new SandboxBusyError(
        `Too many scripts of this tenant are waiting for the sandbox (${load}, limit ${this.pool.tenantQueue}); try again in a moment`,
      );
    this.tenantLoad.set(tenant, load + 1);
    try {
      return await fn();
    } finally {
      const n = (this.tenantLoad.get(tenant) ?? 1) - 1;
      if (n) this.tenantLoad.set(tenant, n);
      else this.tenantLoad.delete(tenant);
    }
  }

  /** A compile or check that was in a worker when it died, with company: once more, alone. */
  private async aloneOnDeath(fn: (isolated: boolean) => Promise<Outcome>): Promise<Outcome> {
    const o = await fn(false);
    return isDeath(o) && !o.alone ? fn(true) : o;
  }

  private submitBatch(
    tenant: string,
    argsList: unknown[][],
    label: string,
    run: (args: unknown[][], slot: Slot) => Promise<Outcome>,
    slot: Slot,
  ): Promise<BatchResult> {
    return this.submit(tenant, async () => {
      const o = await run(argsList, slot);
      return this.batchOutcome(o, argsList, label, (one) => run(one, this.isolation()));
    });
  }

  /** A run's answer; after a worker death, the items again one at a time on the isolation worker. */
  private async batchOutcome(
    o: Outcome,
    argsList: unknown[][],
    label: string,
    again: (args: unknown[][]) => Promise<Outcome>,
  ): Promise<BatchResult> {
    if (!isDeath(o)) {
      if (o.ok) return parseBatch(o.result!);
      if (o.error.name === 'ScriptCompileError') throw compileError(o.error);
      return { results: argsList.map(() => fail(`The sandbox failed: ${o.error.message}`, 'SANDBOX')), consoleLines: [] };
    }
    if (o.alone || argsList.length === 0) {
      const r = fail(deathText(o.dead, label, this.limits), o.dead.code);
      return { results: argsList.map(() => r), consoleLines: [] };
    }
    // One at a time on the isolation worker (one for all tenants). The script stops after maxErrors deaths
    // in this batch, in a row or not: a batch of 1000 bombs costs three worker restarts, not a thousand,
    // and so does one that alternates bombs and good messages (the rest fail SUSPENDED: kept, not lost).
    const parts: BatchResult[] = [];
    let deaths = 0;
    let inRow = 0;
    for (const a of argsList) {
      if (deaths >= this.limits.maxErrors) {
        const error = `${label} was not run: it took its sandbox worker down ${deaths} times ${inRow === deaths ? 'in a row' : 'in this batch'}`;
        parts.push({ results: [fail(error, 'SUSPENDED')], consoleLines: [] });
        continue;
      }
      const part = await this.batchOutcome(await again([a]), [a], label, again);
      const r = part.results[0]!;
      const died = !r.ok && (r.code === 'MEMORY' || r.code === 'CRASHED');
      deaths += died ? 1 : 0;
      inRow = died ? inRow + 1 : 0;
      parts.push(part);
    }
    return {
      results: parts.map((p) => p.results[0]!),
      consoleLines: parts.flatMap((p) => p.consoleLines).slice(0, this.limits.maxConsoleLines),
    };
  }

  private settleCompile(o: Outcome, label: string): void {
    if (isDeath(o)) throw new ScriptCompileError(`The script could not be loaded: ${deathText(o.dead, label, this.limits)}`);
    if (o.ok) return;
    if (o.error.name === 'ScriptCompileError') throw compileError(o.error);
    throw new ScriptCompileError(`The script could not be loaded: ${o.error.message}`);
  }

  private account(s: Script, results: RunResult[]): void {
    const st = s.stats;
    for (const r of results) {
      if (!r.ok && r.code === 'SUSPENDED') {
        st.suspendedRuns++;
        continue;
      }
      st.runs++;
      if (r.ok) {
        st.errorsInRow = 0;
        continue;
      }
      st.errors++;
      st.errorsInRow++;
      st.lastError = r.error;
      if (st.errorsInRow >= this.limits.maxErrors && st.suspendedUntil == null)
        st.suspendedUntil = this.now() + this.limits.suspendMs;
      if (r.code === 'MEMORY' || r.code === 'CRASHED') this.noteDeath(s);
    }
  }

  /**
   * A script that kills its worker maxErrors times in a minute is suspended even when good messages
   * come between (a bomb in every batch would otherwise cost a worker restart or two per batch for
   * ever, and the other tenants' calls on that worker a re-run each time).
   */
  private noteDeath(s: Script): void {
    const t = this.now();
    s.deaths = s.deaths.filter((x) => t - x < 60_000);
    s.deaths.push(t);
    if (s.deaths.length < this.limits.maxErrors || s.stats.suspendedUntil != null) return;
    s.stats.suspendedUntil = t + this.limits.suspendMs;
    s.suspendedFor = `its calls stopped the sandbox worker ${s.deaths.length} times in a minute`;
    s.deaths = [];
  }

  /** The refusal while suspended, or null; a suspension that has run out is lifted here. */
  private suspendedText(s: Script): string | null {
    const st = s.stats;
    if (st.suspendedUntil == null) return null;
    if (this.now() >= st.suspendedUntil) {
      st.suspendedUntil = null;
      st.errorsInRow = 0;
      s.suspendedFor = null;
      return null;
    }
    if (s.suspendedFor)
      return (
        `The script is suspended until ${new Date(st.suspendedUntil).toISOString()}: ${s.suspendedFor}` +
        (st.lastError ? ` (last error: ${st.lastError})` : '')
      );
    return suspension({
      errorsInRow: st.errorsInRow,
      lastError: st.lastError,
      maxErrors: this.limits.maxErrors,
      suspendUntil: st.suspendedUntil,
    });
  }

  private noteCrash(tenant: string): void {
    const t = this.now();
    const list = (this.crashes.get(tenant) ?? []).filter((x) => t - x < 60_000);
    list.push(t);
    this.crashes.set(tenant, list);
  }

  private refuseCrashing(tenant: string): void {
    const t = this.now();
    const list = (this.crashes.get(tenant) ?? []).filter((x) => t - x < 60_000);
    if (list.length < this.pool.tenantCrashLimit) return;
    const wait = Math.ceil((list[0]! + 60_000 - t) / 1000);
    throw new SandboxBusyError(
      `Test scripts of this tenant ran out of memory or crashed the sandbox ${list.length} times in the last minute; test runs are refused for ${wait} s`,
    );
  }

  // ---- scheduling on the workers

  private call(slot: Slot, c: Omit<Call, 'id' | 'done'>): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      if (this.disposed) return resolve({ ok: false, error: { name: 'Error', message: 'The sandbox was shut down' } });
      const call: Call = { ...c, id: this.nextId++, done: resolve };
      call.req = { ...call.req, id: call.id } as Call['req'];
      let q = slot.queues.get(call.tenant);
      if (!q) slot.queues.set(call.tenant, (q = []));
      q.push(call);
      this.pump(slot);
    });
  }

  private pump(slot: Slot): void {
    if (this.disposed) return;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    if (!slot.proc.alive) {
      if (!slot.restartTimer && slot.queued()) slot.proc.start();
      if (!slot.proc.alive) return;
    }
    const cap = slot.isolation ? 1 : this.pool.workerConcurrency;
    const share = slot.isolation ? 1 : Math.max(1, Math.floor(cap / 2));
    while (slot.inFlight.size < cap) {
      const c = this.next(slot, share);
      if (!c) break;
      slot.inFlight.set(c.id, c);
      const req = c.req;
      if (req.op === 'run' && c.script && slot.compiled.get(req.key) !== c.script.hash)
        req.script = { kind: c.script.kind, body: c.script.body };
      slot.proc.send(req);
    }
    this.idle(slot);
  }

  /** The next call for this worker: tenants in turn, none above its share, test runs within maxConcurrentTests. */
  private next(slot: Slot, share: number): Call | null {
    const tenants = [...slot.queues.keys()];
    if (!tenants.length) return null;
    const running = new Map<string, number>();
    let tests = 0;
    for (const c of slot.inFlight.values()) {
      running.set(c.tenant, (running.get(c.tenant) ?? 0) + 1);
      if (c.throwaway) tests++;
    }
    for (let k = 0; k < tenants.length; k++) {
      const t = tenants[(slot.rr + k) % tenants.length]!;
      const q = slot.queues.get(t)!;
      if ((running.get(t) ?? 0) >= share) continue;
      if (q[0]!.throwaway && tests >= this.limits.maxConcurrentTests) continue;
      slot.rr = (slot.rr + k + 1) % Math.max(1, tenants.length);
      const c = q.shift()!;
      if (!q.length) slot.queues.delete(t);
      return c;
    }
    return null;
  }

  private onReply(slot: Slot, r: { id: number } & ({ ok: true; result?: PackedBatch } | { ok: false; error: WireError })): void {
    const c = slot.inFlight.get(r.id);
    if (!c) return;
    slot.inFlight.delete(r.id);
    if (r.ok && (c.req.op === 'run' || c.req.op === 'compile') && c.script) slot.compiled.set(c.req.key, c.script.hash);
    c.done(r);
    this.pump(slot);
  }

  private onDeath(slot: Slot, cause: ExitCause, stuck: Set<number>): void {
    const calls = [...slot.inFlight.values()];
    slot.inFlight.clear();
    slot.compiled.clear();
    this.restarts++;
    this.onExit?.({ worker: slot.index, cause, inFlight: calls.length });
    for (const c of calls) {
      const alone = slot.isolation || (calls.length === 1 && c.items <= 1);
      c.done({ dead: stuck.has(c.id) ? { ...cause, code: 'TIMEOUT' } : cause, alone });
    }
    if (this.disposed) return;
    const lived = Date.now() - slot.proc.startedAt;
    slot.deathsInRow = !calls.length && lived < 2000 ? slot.deathsInRow + 1 : 0;
    const delay = slot.deathsInRow ? Math.min(5000, 100 * 2 ** slot.deathsInRow) : 0;
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (slot.queued() || !slot.isolation) slot.proc.start();
      this.pump(slot);
    }, delay);
    if (!this.busy()) slot.restartTimer.unref();
  }

  /** Lets the process exit while nothing is running; the isolation worker goes away when idle. */
  private idle(slot: Slot): void {
    if (slot.inFlight.size || slot.queued()) return;
    if (slot.isolation && slot.proc.alive) {
      slot.idleTimer = setTimeout(() => slot.proc.stop(), ISOLATION_IDLE_MS);
      slot.idleTimer.unref();
    }
    if (!this.busy()) for (const s of this.allSlots()) s.proc.ref(false);
  }

  private busy(): boolean {
    return this.allSlots().some((s) => s.inFlight.size > 0 || s.queued() > 0);
  }

  private newSlot(index: number, isolation: boolean): Slot {
    let slot: Slot | null = null;
    const proc = new WorkerProcess(this.limits, this.pool.workerMaxRssMb, {
      reply: (r) => this.onReply(slot!, r),
      exit: (cause, stuck) => this.onDeath(slot!, cause, stuck),
    });
    slot = new Slot(index, proc, isolation);
    return slot;
  }

  private isolation(): Slot {
    return (this.isolationSlot ??= this.newSlot(this.slots.length, true));
  }

  private allSlots(): Slot[] {
    return this.isolationSlot ? [...this.slots, this.isolationSlot] : this.slots;
  }

  private slotOf(key: string): Slot {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return this.slots[Math.abs(h) % this.slots.length]!;
  }

  private leastBusy(): Slot {
    let best = this.slots[0]!;
    let load = Infinity;
    for (const s of this.slots) {
      const l = s.inFlight.size + s.queued();
      if (l < load) [best, load] = [s, l];
    }
    return best;
  }
}

/** An uplink batch travels packed (pack.ts), anything else as it is. */
function argsFor(args: unknown[][]): { args: unknown[][] } | { packed: NonNullable<ReturnType<typeof packArgs>> } {
  const packed = packArgs(args);
  return packed ? { packed } : { args };
}

const isDeath = (o: Outcome): o is Extract<Outcome, { dead: ExitCause }> => 'dead' in o;
const fail = (error: string, code: RunErrorCode): RunResult => ({ ok: false, error, code });
const newStats = (): ScriptStats => ({
  runs: 0,
  errors: 0,
  errorsInRow: 0,
  suspendedUntil: null,
  suspendedRuns: 0,
  lastError: null,
});

/** "The script ran longer…" from inside the worker becomes "converter 'Decoder' ran longer…". */
function named(results: RunResult[], label: string): void {
  if (label === 'The script') return;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (!r.ok && (r.code === 'MEMORY' || r.code === 'TIMEOUT') && r.error.startsWith('The script '))
      results[i] = { ...r, error: `${label} ${r.error.slice('The script '.length)}` };
  }
}

function compileError(e: WireError): ScriptCompileError {
  return new ScriptCompileError(e.message, e.line, e.column);
}

function deathText(cause: ExitCause, label: string, limits: SandboxLimits): string {
  switch (cause.code) {
    case 'MEMORY':
      return `${label} used more than its ${limits.memoryMb} MB of memory and was stopped (${cause.detail})`;
    case 'TIMEOUT':
      return `${label} ran longer than ${limits.timeoutMs} ms and could not be interrupted (${cause.detail})`;
    default:
      return `${label} crashed its sandbox worker (${cause.detail})`;
  }
}

export { scriptHash, ScriptCompileError };
