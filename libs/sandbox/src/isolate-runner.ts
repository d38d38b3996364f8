import { createHash } from 'node:crypto';
import { ScriptCompileError, ScriptNotCompiledError, type RunErrorCode } from './errors.js';
import type { ScriptKind } from './kinds.js';
import { DEFAULT_LIMITS, type SandboxLimits } from './limits.js';
import { ScriptSlot } from './script-slot.js';
import { parseWire, type Wire } from './wire.js';

/** The outcome of one invocation. `value` is the script's result as parsed JSON, with markers for what JSON cannot carry. */
export type RunResult = { ok: true; value: unknown } | { ok: false; error: string; code: RunErrorCode };
export interface BatchResult {
  results: RunResult[];
  /** console output of the call(s), at most maxConsoleLines */
  consoleLines: string[];
}
/**
 * A result as the worker hands it on: the value still as the JSON text the isolate wrote (checked for
 * size and depth), parsed once, in the server; `json` absent = the script returned undefined.
 */
export type RawResult = { ok: true; json?: string } | { ok: false; error: string; code: RunErrorCode };
export interface RawBatch {
  results: RawResult[];
  consoleLines: string[];
}

/** Parses what a worker sent. */
export function parseBatch(b: RawBatch): BatchResult {
  return {
    consoleLines: b.consoleLines,
    results: b.results.map((r) => (r.ok ? { ok: true, value: r.json === undefined ? undefined : JSON.parse(r.json) } : r)),
  };
}

/**
 * How many more consecutive errors a keyed script may make before the rest of its batch is refused
 * (the pool keeps the script's record; a batch of 1000 messages to a spinning script costs three
 * timeouts, not a thousand).
 */
export interface Budget {
  errorsInRow: number;
  lastError: string | null;
  maxErrors: number;
  /** when the suspension that the batch may start would end (for its message) */
  suspendUntil: number;
}

/** When the isolate call now running started (ms), or null: the worker stops itself when one cannot be interrupted. */
export interface Tracker {
  since: number | null;
}

interface Entry {
  slot: ScriptSlot;
  queue: Promise<unknown>;
}

/**
 * Runs user JavaScript in isolated-vm isolates. Lives only inside a sandbox worker process (an
 * isolate's out-of-memory can abort its process). Scripts are compiled once per version under a
 * caller's key (one isolate and context each) and run in batches: one isolate call for many
 * invocations.
 */
export class IsolateRunner {
  readonly limits: SandboxLimits;
  private readonly entries = new Map<string, Entry>();
  private readonly compiling = new Map<string, { hash: string; done: Promise<void> }>();

  constructor(limits: Partial<SandboxLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * Compiles `body` under `key` unless that exact version is already there.
   * A new version replaces the old one. Throws ScriptCompileError.
   */
  compile(key: string, kind: ScriptKind, body: string, tracker?: Tracker): Promise<void> {
    const hash = scriptHash(kind, body);
    const old = this.entries.get(key);
    if (old && old.slot.hash === hash) return Promise.resolve();
    const pending = this.compiling.get(key);
    if (pending && pending.hash === hash) return pending.done;
    const done: Promise<void> = (async () => {
      await Promise.resolve();
      const slot = new ScriptSlot(kind, body, hash, this.limits, tracker);
      try {
        await slot.ensure();
      } finally {
        if (this.compiling.get(key)?.hash === hash) this.compiling.delete(key);
      }
      this.entries.get(key)?.slot.release();
      this.entries.set(key, { slot, queue: Promise.resolve() });
      this.evictIdle();
    })();
    this.compiling.set(key, { hash, done });
    return done;
  }

  /** Checks that a script compiles, without keeping it. Throws ScriptCompileError. */
  async check(kind: ScriptKind, body: string, tracker?: Tracker): Promise<void> {
    const slot = new ScriptSlot(kind, body, '', this.limits, tracker);
    try {
      await slot.ensure();
    } finally {
      slot.release();
    }
  }

  /** Runs the script once per argument list; results are index-aligned. Never throws for script errors. */
  runBatch(key: string, argsList: unknown[][], budget?: Budget, tracker?: Tracker): Promise<RawBatch> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.reject(new ScriptNotCompiledError(key));
    entry.slot.tracker = tracker;
    const job = entry.queue.then(() => {
      entry.slot.tracker = tracker;
      return this.execute(entry, argsList, budget ? { ...budget } : null);
    });
    entry.queue = job.catch(() => undefined);
    return job;
  }

  /** Compiles and runs a script in a throwaway isolate (test runs). Throws ScriptCompileError. */
  async runOnce(kind: ScriptKind, body: string, argsList: unknown[][], tracker?: Tracker): Promise<RawBatch> {
    const entry: Entry = { slot: new ScriptSlot(kind, body, '', this.limits, tracker), queue: Promise.resolve() };
    try {
      await entry.slot.ensure();
      return await this.execute(entry, argsList, null);
    } finally {
      entry.slot.release();
    }
  }

  /** Forgets a key and frees its isolate. */
  release(key: string): void {
    this.entries.get(key)?.slot.release();
    this.entries.delete(key);
  }

  dispose(): void {
    for (const k of [...this.entries.keys()]) this.release(k);
  }

  private async execute(entry: Entry, argsList: unknown[][], budget: Budget | null): Promise<RawBatch> {
    entry.slot.busy = true;
    entry.slot.lastUsed = Date.now();
    const out: RawResult[] = new Array(argsList.length);
    const logs: string[] = [];
    const ctx: ExecCtx = { entry, out, logs, budget, bytes: [] };
    try {
      const serialized: string[] = [];
      let chunk: number[] = [];
      let size = 0;
      for (let i = 0; i < argsList.length; i++) {
        const { args, bytes } = plainArgs(argsList[i] ?? []);
        const s = JSON.stringify(args);
        serialized[i] = s;
        ctx.bytes[i] = bytes;
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
    const { out } = ctx;
    const slot = ctx.entry.slot;
    let from = 0;
    let fresh = true;
    while (from < idx.length) {
      const refused = suspension(ctx.budget);
      if (refused) {
        for (let k = from; k < idx.length; k++) out[idx[k]!] = fail(refused, 'SUSPENDED');
        return;
      }
      try {
        if (!slot.live) {
          await slot.ensure();
          fresh = true;
        }
        const argsJson = fresh ? `[${idx.map((i) => serialized[i]).join(',')}]` : null;
        const bytesJson = argsJson && idx.some((i) => ctx.bytes[i]) ? `[${idx.map((i) => ctx.bytes[i] ?? '0').join(',')}]` : null;
        fresh = false;
        const text = await slot.call(slot.run!, [argsJson, from, bytesJson]);
        this.take(ctx, idx, from, parseWire(text, this.limits.maxResultChars));
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
              fail(`The script used more than its ${this.limits.memoryMb} MB of memory and was stopped`, 'MEMORY'),
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
          const p = parseWire(await slot.call(slot.partial!, [from]), this.limits.maxResultChars);
          this.take(ctx, idx, from, p);
          index = p.index ?? from;
          done = !!p.done;
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
          this.record(ctx, idx[index]!, fail(`The script ran longer than ${this.limits.timeoutMs} ms and was stopped`, 'TIMEOUT'));
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
    w.results.forEach((r, k) => this.record(ctx, idx[from + k]!, r));
    const room = this.limits.maxConsoleLines - ctx.logs.length;
    if (room > 0) ctx.logs.push(...w.logs.slice(0, room));
    if (w.dropped || w.logs.length > room) {
      if (ctx.logs[ctx.logs.length - 1] !== TRUNCATED) ctx.logs.push(TRUNCATED);
    }
  }

  private record(ctx: ExecCtx, i: number, r: RawResult): void {
    ctx.out[i] = r;
    const b = ctx.budget;
    if (!b) return;
    if (r.ok) b.errorsInRow = 0;
    else {
      b.errorsInRow++;
      b.lastError = r.error;
    }
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
  out: RawResult[];
  logs: string[];
  budget: Budget | null;
  /** per argument list: JSON array of the positions that travel as byte strings, or undefined */
  bytes: (string | undefined)[];
}

/** The refusal message once a batch has made its script's allowance of consecutive errors, or null. */
export function suspension(b: Budget | null | undefined): string | null {
  if (!b || b.errorsInRow < b.maxErrors) return null;
  return (
    `The script is suspended until ${new Date(b.suspendUntil).toISOString()} after ${b.maxErrors} consecutive errors` +
    (b.lastError ? ` (last error: ${b.lastError})` : '')
  );
}

/**
 * Byte arrays at the top of an argument list (payloads) cross into the isolate as latin1 strings,
 * much cheaper to write and parse than arrays of numbers; the prelude turns them back into arrays.
 */
function plainArgs(args: unknown[]): { args: unknown[]; bytes?: string } {
  let copy: unknown[] | null = null;
  let bytes: number[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Uint8Array) {
      (copy ??= [...args])[i] = Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('latin1');
      (bytes ??= []).push(i);
    } else if (ArrayBuffer.isView(a) && !(a instanceof DataView)) (copy ??= [...args])[i] = Array.from(a as Uint16Array);
  }
  return copy ? { args: copy, bytes: bytes ? `[${bytes.join(',')}]` : undefined } : { args };
}

const TRUNCATED = '... (more console output was dropped)';
const fail = (error: string, code: RunErrorCode): RawResult => ({ ok: false, error, code });
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
