import {
  describeSpecial,
  plainKind,
  ScriptCompileError,
  specialAt,
  type Sandbox,
} from '@bridgeboard/sandbox';
import type { ScriptPort, ScriptResult } from './ports.js';

/**
 * Rule-node scripts on libs/sandbox: compiled once per script version under the node's key
 * (one context per node, so tenants never share globals), run as a batch per call.
 */
export class SandboxScripts implements ScriptPort {
  private readonly compiling = new Map<string, Promise<void>>();

  constructor(private readonly sandbox: Sandbox) {}

  /** One compile per key at a time: concurrent first messages must not build (and drop) two isolates. */
  private compile(tenantId: string, key: string, kind: ReturnType<typeof plainKind>, body: string): Promise<void> {
    const k = `${key}\n${body}`;
    let p = this.compiling.get(k);
    if (!p) {
      p = this.sandbox
        .compile(key, kind, body, { tenant: tenantId, label: 'The rule node script' })
        .finally(() => this.compiling.delete(k));
      this.compiling.set(k, p);
    }
    return p;
  }

  async run(
    tenantId: string,
    scriptId: string,
    body: string,
    argNames: string[],
    calls: unknown[][],
  ): Promise<ScriptResult[]> {
    const kind = plainKind(argNames, 'rule node');
    if (!this.sandbox.has(scriptId, kind, body)) {
      try {
        await this.compile(tenantId, scriptId, kind, body);
      } catch (e) {
        if (e instanceof ScriptCompileError)
          return calls.map(() => ({ ok: false, error: `The script does not compile: ${e.message}` }));
        throw e;
      }
    }
    const { results } = await this.sandbox.runBatch(scriptId, calls);
    return results.map((r): ScriptResult => {
      if (!r.ok) return { ok: false, error: r.error };
      const special = specialAt(r.value);
      return special
        ? { ok: false, error: describeSpecial(special, 'the returned value') }
        : { ok: true, value: r.value };
    });
  }

  release(scriptId: string): void {
    this.sandbox.release(scriptId);
  }
}
