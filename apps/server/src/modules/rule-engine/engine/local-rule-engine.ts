import { Logger } from '@nestjs/common';
import { RULE_NODE_DEBUG_EVENT, type RuleMsg, type RuleNodeDebugEventBody } from '@bridgeboard/contracts';
import type { RuleNodeDefinition } from '../nodes/node.types.js';
import { BatchRun } from './batch-run.js';
import { compileChain, type ChainSource, type CompiledChain, type CompiledNode } from './compiled-chain.js';
import type { EnginePorts } from './ports.js';
import { RuleEngine, type TellBatchResult, type TellResult, type WriteError } from './rule-engine.js';
import { AppError } from '../../../common/errors.js';
import { errorText, InvocationContext, type EngineInternals } from './node-context.js';

export { MAX_HOPS } from './node-context.js';

function toWriteError(e: unknown): WriteError {
  const x = e as { code?: unknown; status?: unknown };
  return {
    message: errorText(e),
    ...(typeof x?.code === 'string' ? { code: x.code } : {}),
    ...(e instanceof AppError ? { status: e.status } : {}),
  };
}

/** Runs rule chains in this process; chains are compiled once and cached until invalidated. */
export class LocalRuleEngine extends RuleEngine implements EngineInternals {
  private readonly log = new Logger('rule-engine');
  private readonly chains = new Map<string, Promise<CompiledChain | null>>();
  private readonly roots = new Map<string, Promise<string | null>>();

  constructor(
    private readonly source: ChainSource,
    private readonly registry: ReadonlyMap<string, RuleNodeDefinition>,
    readonly ports: EnginePorts,
  ) {
    super();
  }

  private now(): number {
    return this.ports.now?.() ?? Date.now();
  }

  async tell(tenantId: string, msg: RuleMsg, opts?: { ruleChainId?: string }): Promise<TellResult> {
    const r = await this.tellBatch(tenantId, [msg], opts);
    const result = r.results[0]!;
    for (const e of r.writeErrors)
      if (!result.failures.some((f) => f.error === e.message))
        result.failures.push({ nodeId: '', nodeName: 'database', error: e.message });
    return result;
  }

  async tellBatch(
    tenantId: string,
    msgs: RuleMsg[],
    opts?: { ruleChainId?: string },
  ): Promise<TellBatchResult> {
    const chainId = opts?.ruleChainId ?? (await this.rootChainId(tenantId));
    if (!chainId) throw new Error(`Tenant ${tenantId} has no Root Rule Chain`);
    const chain = await this.chain(tenantId, chainId);
    if (!chain) throw new Error(`Rule chain ${chainId} not found`);
    const run = new BatchRun(this.ports.telemetry);
    if (chain.first) for (let i = 0; i < msgs.length; i++) this.spawn(run, i, chain.first, msgs[i]!, 0);
    run.seal();
    await run.done;
    const results: TellResult[] = msgs.map((_, i) => run.traces[i] ?? { deliveries: [], failures: [] });
    return { results, writeErrors: run.writeErrors.map(toWriteError) };
  }

  /** Forgets every tenant's cached chains (another node may have changed some while this one could not hear it). */
  invalidateAll(): void {
    this.roots.clear();
    for (const p of this.chains.values())
      void p.then(
        (c) => c && this.invalidate(c.tenantId),
        () => undefined,
      );
  }

  invalidate(tenantId: string): void {
    this.roots.delete(tenantId);
    for (const [id, p] of this.chains) {
      void p.then((c) => {
        if (c?.tenantId === tenantId && this.chains.get(id) === p) {
          this.chains.delete(id);
          for (const n of c.nodes) n.runtime.destroy?.();
        }
      });
    }
  }

  private rootChainId(tenantId: string): Promise<string | null> {
    let p = this.roots.get(tenantId);
    if (!p) {
      p = this.source.rootChainId(tenantId);
      this.roots.set(tenantId, p);
      p.catch(() => this.roots.delete(tenantId));
    }
    return p;
  }

  chain(tenantId: string, chainId: string): Promise<CompiledChain | null> {
    let p = this.chains.get(chainId);
    if (!p) {
      p = this.source
        .loadChain(tenantId, chainId)
        .then((d) => (d ? compileChain(d, this.registry, this.ports.debugAutoOffMin) : null));
      this.chains.set(chainId, p);
      p.catch(() => this.chains.delete(chainId));
    }
    return p.then((c) => (c && c.tenantId === tenantId ? c : null));
  }

  spawn(run: BatchRun, trace: number, node: CompiledNode, msg: RuleMsg, hops: number): void {
    run.spawn(() => this.invoke(run, trace, node, msg, hops));
  }

  debug(node: CompiledNode, msg: RuleMsg, type: 'IN' | 'OUT', relation?: string, error?: string): void {
    if (node.debugUntil === 0 || node.debugUntil < this.now()) return;
    const body: RuleNodeDebugEventBody = {
      type,
      msgId: msg.id,
      msgType: msg.type,
      entityType: msg.originator.entityType,
      entityId: msg.originator.id,
      dataType: 'JSON',
      data: msg.data,
      metadata: msg.metadata,
      ...(relation ? { relationType: relation } : {}),
      ...(error ? { error } : {}),
    };
    this.ports.debug.record(node.tenantId, 'RULE_NODE', node.id, RULE_NODE_DEBUG_EVENT, body, msg.traceId);
  }

  /** Runs a node on a message; a synchronous node costs no promise. An exception becomes its Failure. */
  private invoke(
    run: BatchRun,
    trace: number,
    node: CompiledNode,
    msg: RuleMsg,
    hops: number,
  ): void | Promise<void> {
    const ctx = new InvocationContext(this, run, trace, node, hops);
    this.debug(node, msg, 'IN');
    let r: void | Promise<void>;
    try {
      r = node.runtime.onMsg(ctx, msg);
    } catch (e) {
      ctx.tellFailure(msg, e);
      return;
    }
    if (r) return r.then(undefined, (e: unknown) => ctx.tellFailure(msg, e));
  }

  logFor(node: CompiledNode, message: string, level: 'log' | 'debug'): void {
    this.log[level](`[${node.name}] ${message}`);
  }
}
