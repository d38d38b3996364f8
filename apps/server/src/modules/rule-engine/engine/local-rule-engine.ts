import { Logger } from '@nestjs/common';
import { RULE_NODE_DEBUG_EVENT, type RuleMsg, type RuleNodeDebugEventBody } from '@bridgeboard/contracts';
import {
  FAILURE,
  SUCCESS,
  type Delivery,
  type NodeContext,
  type RuleNodeDefinition,
} from '../nodes/node.types.js';
import { BatchRun } from './batch-run.js';
import { compileChain, type ChainSource, type CompiledChain, type CompiledNode } from './compiled-chain.js';
import type { EnginePorts } from './ports.js';
import { RuleEngine, type TellBatchResult, type TellResult, type WriteError } from './rule-engine.js';
import { AppError } from '../../../common/errors.js';

/** A message passing more nodes than this is in a loop (e.g. two chains handing it back and forth). */
export const MAX_HOPS = 200;

const errorText = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);

function toWriteError(e: unknown): WriteError {
  const x = e as { code?: unknown; status?: unknown };
  return {
    message: errorText(e),
    ...(typeof x?.code === 'string' ? { code: x.code } : {}),
    ...(e instanceof AppError ? { status: e.status } : {}),
  };
}

/** Runs rule chains in this process; chains are compiled once and cached until invalidated. */
export class LocalRuleEngine extends RuleEngine {
  private readonly log = new Logger('rule-engine');
  private readonly chains = new Map<string, Promise<CompiledChain | null>>();
  private readonly roots = new Map<string, Promise<string | null>>();

  constructor(
    private readonly source: ChainSource,
    private readonly registry: ReadonlyMap<string, RuleNodeDefinition>,
    private readonly ports: EnginePorts,
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
    const results: TellResult[] = msgs.map(() => ({ deliveries: [], failures: [] }));
    if (chain.first) msgs.forEach((m, i) => this.spawn(run, results[i]!, chain.first!, m, 0));
    run.seal();
    await run.done;
    return { results, writeErrors: run.writeErrors.map(toWriteError) };
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

  private chain(tenantId: string, chainId: string): Promise<CompiledChain | null> {
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

  private spawn(run: BatchRun, trace: TellResult, node: CompiledNode, msg: RuleMsg, hops: number): void {
    run.spawn(() => this.invoke(run, trace, node, msg, hops));
  }

  private debug(
    tenantId: string,
    node: CompiledNode,
    msg: RuleMsg,
    type: 'IN' | 'OUT',
    relation?: string,
    error?: string,
  ): void {
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
    this.ports.debug.record(tenantId, 'RULE_NODE', node.id, RULE_NODE_DEBUG_EVENT, body);
  }

  private async invoke(
    run: BatchRun,
    trace: TellResult,
    node: CompiledNode,
    msg: RuleMsg,
    hops: number,
  ): Promise<void> {
    const tenantId = node.tenantId;
    const ctx = this.context(run, trace, node, tenantId, hops);
    this.debug(tenantId, node, msg, 'IN');
    try {
      await node.runtime.onMsg(ctx, msg);
    } catch (e) {
      ctx.tellFailure(msg, e);
    }
  }

  private context(
    run: BatchRun,
    trace: TellResult,
    node: CompiledNode,
    tenantId: string,
    hops: number,
  ): NodeContext {
    const route = (msg: RuleMsg, relation: string, error?: string) => {
      this.debug(tenantId, node, msg, 'OUT', relation, error);
      const targets = node.next.get(relation);
      if (!targets) return;
      if (hops + 1 > MAX_HOPS) {
        trace.failures.push({
          nodeId: node.id,
          nodeName: node.name,
          error: `Message ${msg.id} passed more than ${MAX_HOPS} rule nodes; the rule chains loop`,
        });
        return;
      }
      for (const t of targets) this.spawn(run, trace, t, msg, hops + 1);
    };
    const ports = this.ports;
    return {
      tenantId,
      self: { id: node.id, name: node.name, ruleChainId: node.chainId },
      tellNext: (msg, relation) => {
        for (const r of Array.isArray(relation) ? relation : [relation]) route(msg, r);
      },
      tellSuccess: (msg) => route(msg, SUCCESS),
      tellFailure: (msg, error) => {
        const text = errorText(error);
        trace.failures.push({ nodeId: node.id, nodeName: node.name, error: text });
        if (!node.next.has(FAILURE))
          this.log.debug(`Rule node '${node.name}' failed (no Failure connection): ${text}`);
        route(msg, FAILURE, text);
      },
      saveDeviceData: (item) => run.write(item),
      saveAttributes: (deviceId, scope, values) =>
        ports.telemetry.saveAttributes(tenantId, deviceId, scope, values),
      toRuleChain: (chainId, msg) => {
        run.spawn(async () => {
          try {
            const target = await this.chain(tenantId, chainId);
            if (!target) throw new Error(`Rule chain ${chainId} not found`);
            if (target.first) this.spawn(run, trace, target.first, msg, hops + 1);
          } catch (e) {
            trace.failures.push({ nodeId: node.id, nodeName: node.name, error: errorText(e) });
          }
        });
      },
      reportDelivery: (d: Omit<Delivery, 'nodeId'>) => trace.deliveries.push({ ...d, nodeId: node.id }),
      downlink: ports.downlink,
      scripts: ports.scripts,
      log: (m) => this.log.log(`[${node.name}] ${m}`),
    };
  }
}
