import { createHash } from 'node:crypto';
import { ScriptCompileError, ScriptNotCompiledError, type RunErrorCode } from './errors.js';
import type { ScriptKind } from './kinds.js';
import { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
import { ScriptSlot } from './script-slot.js';

/** The outcome of one invocation. `value` is the script's result as parsed JSON, with markers for what JSON cannot carry. */
export type RunResult = { ok: true; value: unknown } | { ok: false; error: string; code: RunErrorCode };
export interface BatchResult {
  results: RunResult[];
  /** console output of the call(s), at most maxConsoleLines */
  consoleLines: string[];
}
export interface ScriptStats {
  runs: number;
  errors: number;
  errorsInRow: number;
  suspendedUntil: number | null;
  /** invocations refused because the script was suspended */
  suspendedRuns: number;
  lastError: string | null;
}

interface Entry {
  slot: ScriptSlot;
  stats: ScriptStats;
  queue: Promise<unknown>;
}

type Wire = { r: ({ v?: unknown } | { e: string; c: RunErrorCode })[]; logs: string[]; dropped: number };

/**
 * The only place user JavaScript runs. Scripts are compiled once per version under a caller's
 * key (one isolate and context each) and run in batches: one isolate call for many invocations.
 * Calls are asynchronous, so a slow script never blocks the event loop.
 */
export class Sandbox {
  readonly limits: SandboxLimits;
  private readonly entries = new Map<string, Entry>();
  private readonly compiling = new Map<string, { hash: string; done: Promise<void> }>();
  private testsRunning = 0;
  private readonly testWaiters: (() => void)[] = [];
  private readonly now: () => number;

  constructor(limits: Partial<SandboxLimits> = {}, opts: { now?: () => number } = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.now = opts.now ?? Date.now;
  }

  /**
   * Compiles `body` under `key` unless that exact version is already there.
   * A new version replaces the old one (and clears its error count). Throws ScriptCompileError.
   */
  compile(key: string, kind: ScriptKind, body: string): Promise<void> {
    const hash = scriptHash(kind, body);
    const old = this.entries.get(key);
    if (old && old.slot.hash === hash) return Promise.resolve();
    const pending = this.compiling.get(key);
    if (pending && pending.hash === hash) return pending.done;
    const done: Promise<void> = (async () => {
      await Promise.resolve();
      const slot = new ScriptSlot(kind, body, hash, this.limits);
      try {
        await slot.ensure();
      } finally {
        if (this.compiling.get(key)?.hash === hash) this.compiling.delete(key);
      }
      this.entries.get(key)?.slot.release();
      this.entries.set(key, { slot, queue: Promise.resolve(), stats: newStats() });
      this.evictIdle();
    })();
    this.compiling.set(key, { hash, done });
    return done;
  }

  /** Whether `key` holds this version of the script. */
  has(key: string, kind: ScriptKind, body: string): boolean {
    return this.entries.get(key)?.slot.hash === scriptHash(kind, body);
  }

  /** Checks that a script compiles, without keeping it. Throws ScriptCompileError. */
  async check(kind: ScriptKind, body: string): Promise<void> {
    await this.throwaway(async () => {
      const slot = new ScriptSlot(kind, body, '', this.limits);
      try {
        await slot.ensure();
      } finally {
        slot.release();
      }
    });
  }

  /** Runs the script once per argument list; results are index-aligned. Never throws for script errors. */
  runBatch(key: string, argsList: unknown[][]): Promise<BatchResult> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.reject(new ScriptNotCompiledError(key));
    const job = entry.queue.then(() => this.execute(entry, argsList, true));
    entry.queue = job.catch(() => undefined);
    return job;
  }

  /** Compiles and runs a script in a throwaway isolate (test runs): no caching, no suspension. Throws ScriptCompileError. */
  runOnce(kind: ScriptKind, body: string, argsList: unknown[][]): Promise<BatchResult> {
    return this.throwaway(async () => {
      const entry: Entry = {
        slot: new ScriptSlot(kind, body, '', this.limits),
        stats: newStats(),
        queue: Promise.resolve(),
      };
      try {
        await entry.slot.ensure();
        return await this.execute(entry, argsList, false);
      } finally {
        entry.slot.release();
      }
    });
  }

  private async throwaway<T>(fn: () => Promise<T>): Promise<T> {
    while (this.testsRunning >= this.limits.maxConcurrentTests)
      await new Promise<void>((r) => this.testWaiters.push(r));
    this.testsRunning++;
    try {
      return await fn();
    } finally {
      this.testsRunning--;
      this.testWaiters.shift()?.();
    }
  }

  stats(key: string): ScriptStats | null {
    const e = this.entries.get(key);
    return e ? { ...e.stats } : null;
  }

  /** Forgets a key and frees its isolate. */
  release(key: string): void {
    this.entries.get(key)?.slot.release();
    this.entries.delete(key);
  }

  dispose(): void {
    for (const k of [...this.entries.keys()]) this.release(k);
  }

  private async execute(entry: Entry, argsList: unknown[][], suspend: boolean): Promise<BatchResult> {
    entry.slot.busy = true;
    entry.slot.lastUsed = this.now();
    const out: RunResult[] = new Array(argsList.length);
    const logs: string[] = [];
    const ctx = { entry, out, logs, suspend };
    try {
      const serialized: string[] = [];
      let chunk: number[] = [];
      let size = 0;
      for (let i = 0; i < argsList.length; i++) {
        const s = JSON.stringify(argsList[i] ?? []);
        serialized[i] = s;
        if (s.length > this.limits.maxArgsChars) {
          out[i] = fail(
            `The input is too large: ${s.length} characters of JSON (limit ${this.limits.maxArgsChars})`,
            'ARGS_TOO_LARGE',
          );
          continue;
        }
        if (size + s.length > this.limits.maxArgsChars && chunk.length) {
          await this.runChunk(ctx, chunk, serialized);
          chunk = [];
          size = 0;
        }
        chunk.push(i);
        size += s.length + 1;
      }
      if (chunk.length) await this.runChunk(ctx, chunk, serialized);
    } finally {
      entry.slot.busy = false;
    }
    return { results: out, consoleLines: logs.slice(0, this.limits.maxConsoleLines) };
  }

  /**
   * Runs items in one isolate call. A timeout costs only the item that was running when it
   * started the call (otherwise that item is retried fresh); an isolate killed by its memory
   * limit is rebuilt and the remaining items are retried one at a time, so only the guilty one fails.
   */
  private async runChunk(ctx: ExecCtx, idx: number[], serialized: string[]): Promise<void> {
    const { entry, out } = ctx;
    const slot = entry.slot;
    let from = 0;
    let fresh = true;
    while (from < idx.length) {
      const refused = this.suspended(ctx);
      if (refused) {
        for (let k = from; k < idx.length; k++) out[idx[k]!] = this.refuse(entry, refused);
        return;
      }
      try {
        if (!slot.live) {
          await slot.ensure();
          fresh = true;
        }
        const argsJson = fresh ? `[${idx.map((i) => serialized[i]).join(',')}]` : null;
        fresh = false;
        const text = await slot.run!.apply(undefined, [argsJson, from], { timeout: this.limits.timeoutMs });
        this.take(ctx, idx, from, JSON.parse(text) as Wire);
        return;
      } catch (e) {
        if (e instanceof ScriptCompileError) {
          for (let k = from; k < idx.length; k++) this.record(ctx, idx[k]!, fail(e.message, 'SANDBOX'));
          return;
        }
        if (slot.disposedByLimit || !slot.live) {
          slot.release();
          const rest = idx.slice(from);
          if (rest.length === 1) {
            this.record(
              ctx,
              rest[0]!,
              fail(
                `The script used more than its ${this.limits.memoryMb} MB of memory and was stopped`,
                'MEMORY',
              ),
            );
            return;
          }
          for (const i of rest) await this.runChunk(ctx, [i], serialized);
          return;
        }
        if (!isTimeout(e)) {
          // Unexpected (the runner itself failed): start over with a fresh isolate for what is left.
          slot.release();
          for (let k = from; k < idx.length; k++)
            this.record(ctx, idx[k]!, fail(`The sandbox failed: ${(e as Error).message}`, 'SANDBOX'));
          return;
        }
        let index: number;
        let done = false;
        try {
          const text = await slot.partial!.apply(undefined, [from], { timeout: this.limits.timeoutMs });
          const p = JSON.parse(text) as { index: number; done: boolean; rest: Wire };
          this.take(ctx, idx, from, p.rest);
          index = p.index;
          done = p.done;
        } catch {
          slot.release();
          index = from;
        }
        if (done) {
          // Every item returned, then promise callbacks kept the isolate busy: find out whose, alone.
          const rest = idx.slice(from);
          if (rest.length === 1) {
            this.record(
              ctx,
              rest[0]!,
              fail(
                `The script kept running after it returned (endless promise callbacks) and was stopped after ${this.limits.timeoutMs} ms`,
                'TIMEOUT',
              ),
            );
            return;
          }
          for (const i of rest) await this.runChunk(ctx, [i], serialized);
          return;
        }
        if (index === from || !slot.live) {
          this.record(
            ctx,
            idx[index]!,
            fail(`The script ran longer than ${this.limits.timeoutMs} ms and was stopped`, 'TIMEOUT'),
          );
          from = index + 1;
          if (!slot.live) {
            for (const i of idx.slice(from)) await this.runChunk(ctx, [i], serialized);
            return;
          }
        } else {
          from = index;
        }
      }
    }
  }

  private take(ctx: ExecCtx, idx: number[], from: number, w: Wire): void {
    w.r.forEach((r, k) =>
      this.record(
        ctx,
        idx[from + k]!,
        'e' in r ? fail(String(r.e), r.c ?? 'SCRIPT_ERROR') : { ok: true, value: (r as { v?: unknown }).v },
      ),
    );
    const room = this.limits.maxConsoleLines - ctx.logs.length;
    if (room > 0) ctx.logs.push(...w.logs.slice(0, room));
    if (w.dropped || w.logs.length > room) {
      if (ctx.logs[ctx.logs.length - 1] !== TRUNCATED) ctx.logs.push(TRUNCATED);
    }
  }

  private record(ctx: ExecCtx, i: number, r: RunResult): void {
    ctx.out[i] = r;
    const s = ctx.entry.stats;
    s.runs++;
    if (r.ok) {
      s.errorsInRow = 0;
      return;
    }
    s.errors++;
    s.errorsInRow++;
    s.lastError = r.error;
    if (ctx.suspend && s.errorsInRow >= this.limits.maxErrors && s.suspendedUntil == null)
      s.suspendedUntil = this.now() + this.limits.suspendMs;
  }

  /** The refusal message while suspended, or null; a suspension that has run out is lifted here. */
  private suspended(ctx: ExecCtx): string | null {
    const s = ctx.entry.stats;
    if (s.suspendedUntil == null) return null;
    if (this.now() >= s.suspendedUntil) {
      s.suspendedUntil = null;
      s.errorsInRow = 0;
      return null;
    }
    return (
      `The script is suspended until ${new Date(s.suspendedUntil).toISOString()} after ${this.limits.maxErrors} consecutive errors` +
      (s.lastError ? ` (last error: ${s.lastError})` : '')
    );
  }

  private refuse(entry: Entry, message: string): RunResult {
    entry.stats.suspendedRuns++;
    return fail(message, 'SUSPENDED');
  }

  private evictIdle(): void {
    const live = [...this.entries.values()].filter((e) => e.slot.live);
    if (live.length <= this.limits.maxLiveIsolates) return;
    live
      .filter((e) => !e.slot.busy)
      .sort((a, b) => a.slot.lastUsed - b.slot.lastUsed)
      .slice(0, live.length - this.limits.maxLiveIsolates)
      .forEach((e) => e.slot.release());
  }
}

interface ExecCtx {
  entry: Entry;
  out: RunResult[];
  logs: string[];
  suspend: boolean;
}

const TRUNCATED = '... (more console output was dropped)';
const fail = (error: string, code: RunErrorCode): RunResult => ({ ok: false, error, code });
const newStats = (): ScriptStats => ({
  runs: 0,
  errors: 0,
  errorsInRow: 0,
  suspendedUntil: null,
  suspendedRuns: 0,
  lastError: null,
});
const isTimeout = (e: unknown) => /timed out/i.test(String((e as Error)?.message));

export function scriptHash(kind: ScriptKind, body: string): string {
  return createHash('sha256')
    .update(kind.name)
    .update('\0')
    .update(kind.params.join(','))
    .update('\0')
    .update(kind.builtins)
    .update('\0')
    .update(body)
    .digest('hex');
}

export { ScriptCompileError };
