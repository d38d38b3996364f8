import ivm from 'isolated-vm';
import { ScriptCompileError } from './errors.js';
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
  ) {}

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
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    this.isolate = isolate;
    try {
      const context = await isolate.createContext();
      this.context = context;
      const prelude = await isolate.compileScript(preludeSource(limits), { filename: 'sandbox-prelude.js' });
      await prelude.run(context, { timeout: limits.timeoutMs });
      prelude.release();
      const head = `__bb_define((function () {\n${kind.builtins}\nreturn function (${kind.params.join(', ')}) {\n`;
      const source = `${head}${body}\n};\n})(), ${JSON.stringify(kind.filename)});`;
      const check = await this.ref<(p: string, b: string) => string>('__bb_check');
      const problem = String(
        await check.apply(undefined, [kind.params.join(','), body], { timeout: limits.timeoutMs }),
      );
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
      await script.run(context, { timeout: limits.timeoutMs });
      script.release();
      this.run = await this.ref('__bb_run');
      this.partial = await this.ref('__bb_partial');
    } catch (e) {
      this.release();
      if (e instanceof ScriptCompileError) throw e;
      throw new ScriptCompileError(`The script could not be loaded: ${(e as Error).message}`);
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
