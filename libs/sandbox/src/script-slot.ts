import ivm from 'isolated-vm';
import { tokenizer } from 'acorn';
import { ScriptCompileError } from './errors.js';
import type { Tracker } from './isolate-runner.js';
import type { ScriptKind } from './kinds.js';
import type { SandboxLimits } from './limits.js';
import { preludeSource } from './prelude.js';

/**
 * One compiled script in its own isolate and context, so no two scripts ever share a global
 * or a heap. The isolate is built lazily and rebuilt after it is disposed (memory limit).
 * Only strings and numbers cross the boundary; the isolate never gets a host reference.
 */
export class ScriptSlot {
  private isolate: ivm.Isolate | null = null;
  private context: ivm.Context | null = null;
  run: ivm.Reference<(argsJson: string | null, from: number) => string> | null = null;
  partial: ivm.Reference<(from: number) => string> | null = null;
  lastUsed = Date.now();
  busy = false;

  constructor(
    readonly kind: ScriptKind,
    readonly body: string,
    readonly hash: string,
    private readonly limits: SandboxLimits,
    /** told when an isolate call starts and ends, so a call V8 cannot interrupt is noticed */
    public tracker?: Tracker,
  ) {}

  /** One call into the isolate, with the time limit, watched by the tracker. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(ref: ivm.Reference<(...a: any[]) => string>, args: (string | number | null)[]): Promise<string> {
    const t = this.tracker;
    if (t) t.since = Date.now();
    try {
      return String(await ref.apply(undefined, args as never, { timeout: this.limits.timeoutMs }));
    } finally {
      if (t) t.since = null;
    }
  }

  get live(): boolean {
    return !!this.isolate && !this.isolate.isDisposed && !!this.run;
  }

  get disposedByLimit(): boolean {
    return !!this.isolate && this.isolate.isDisposed;
  }

  /** Builds the isolate and compiles the script into it; throws ScriptCompileError for a bad script. */
  async ensure(): Promise<void> {
    if (this.live) return;
    this.release();
    const { kind, body, limits } = this;
    const size = Buffer.byteLength(body, 'utf8');
    if (size > limits.maxScriptBytes)
      throw new ScriptCompileError(`The script is too large: ${size} bytes (limit ${limits.maxScriptBytes})`);
    const unchecked = refuseBigInt(body);
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    this.isolate = isolate;
    try {
      const context = await isolate.createContext();
      this.context = context;
      const prelude = await isolate.compileScript(preludeSource(limits), { filename: 'sandbox-prelude.js' });
      await this.watched(() => prelude.run(context, { timeout: limits.timeoutMs }));
      prelude.release();
      const head = `__bb_define((function () {\n${kind.builtins}\nreturn function (${kind.params.join(', ')}) {\n`;
      const source = `${head}${body}\n};\n})(), ${JSON.stringify(kind.filename)});`;
      const check = await this.ref<(p: string, b: string) => string>('__bb_check');
      const problem = await this.call(check, [kind.params.join(','), body]);
      check.release();
      let script: ivm.Script;
      try {
        script = await isolate.compileScript(source, {
          filename: kind.filename,
          lineOffset: -(head.split('\n').length - 1),
        });
      } catch (e) {
        throw toCompileError(e, body, problem);
      }
      // Parses inside its wrapper but not alone: the body closes the wrapper function early.
      if (problem) throw new ScriptCompileError(problem);
      if (unchecked) throw new ScriptCompileError(`The script could not be checked: ${unchecked}`);
      await this.watched(() => script.run(context, { timeout: limits.timeoutMs }));
      script.release();
      this.run = await this.ref('__bb_run');
      this.partial = await this.ref('__bb_partial');
    } catch (e) {
      this.release();
      if (e instanceof ScriptCompileError) throw e;
      throw new ScriptCompileError(`The script could not be loaded: ${(e as Error).message}`);
    }
  }

  private async watched<T>(fn: () => Promise<T>): Promise<T> {
    const t = this.tracker;
    if (t) t.since = Date.now();
    try {
      return await fn();
    } finally {
      if (t) t.since = null;
    }
  }

  private ref<T>(name: string): Promise<ivm.Reference<T>> {
    return this.context!.global.get(name, { reference: true }) as Promise<ivm.Reference<T>>;
  }

  /** Frees the isolate (idempotent); ensure() builds a new one. */
  release(): void {
    this.run = null;
    this.partial = null;
    this.context = null;
    const iso = this.isolate;
    this.isolate = null;
    if (iso && !iso.isDisposed) iso.dispose();
  }
}

/**
 * BigInt is not available in the sandbox: one BigInt operation (`7n ** 100000000n`) runs for seconds
 * and cannot be interrupted by the time limit. The BigInt global is removed by the prelude; literals
 * are refused here, before the script ever runs (eval and new Function are removed too, so no
 * literal can be built from a string).
 */
function refuseBigInt(body: string): string | null {
  try {
    for (const t of tokenizer(body, { ecmaVersion: 'latest', allowReturnOutsideFunction: true, locations: true })) {
      if (t.type.label === 'num' && typeof (t as { value?: unknown }).value === 'bigint')
        throw new ScriptCompileError(
          `BigInt is not available in the sandbox (${body.slice(t.start, t.end)}): use Number, or split large integers into parts`,
          t.loc?.start.line,
          (t.loc?.start.column ?? 0) + 1,
        );
    }
  } catch (e) {
    if (e instanceof ScriptCompileError) throw e;
    // not tokenizable: V8's compile reports a syntax error with its own words; should V8 accept it, it is refused
    return (e as Error).message;
  }
  return null;
}

/**
 * V8 puts the position at the end of the message: "Unexpected token ';' [decoder.js:3:9]".
 * An error found only after the body (an unclosed or extra bracket) is reported at the body's end,
 * with the message of the body parsed alone, which says what is wrong.
 */
function toCompileError(e: unknown, body: string, alone: string): ScriptCompileError {
  const msg = String((e as Error)?.message ?? e);
  const m = /^(.*) \[[^\]]*?:(-?\d+):(\d+)\]$/s.exec(msg);
  const name = (e as Error)?.name && (e as Error).name !== 'Error' ? `${(e as Error).name}: ` : '';
  if (!m) return new ScriptCompileError(alone || `${name}${msg}`);
  const lines = body.split('\n');
  const line = Number(m[2]);
  if (line < 1 || line > lines.length) {
    const what = `${alone || `${name}${m[1]}`} at the end of the script: check that every bracket and brace is closed, and none too many`;
    return new ScriptCompileError(what, lines.length, lines[lines.length - 1]!.length + 1);
  }
  return new ScriptCompileError(`${name}${m[1]}`, line, Number(m[3]));
}
