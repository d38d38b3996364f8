import type { RuleMsg } from '@bridgeboard/contracts';
import { FAILURE, SUCCESS, type Delivery, type NodeContext } from '../nodes/node.types.js';
import type { BatchRun, WriteListener } from './batch-run.js';
import type { CompiledChain, CompiledNode } from './compiled-chain.js';
import type { AttributeScope, DeviceData, DownlinkPort, EnginePorts, ScriptPort } from './ports.js';

/** A message passing more nodes than this is in a loop (e.g. two chains handing it back and forth). */
export const MAX_HOPS = 200;

export const errorText = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);

/** What a context needs from the engine that runs it. */
export interface EngineInternals {
  readonly ports: EnginePorts;
  spawn(run: BatchRun, trace: number, node: CompiledNode, msg: RuleMsg, hops: number): void;
  debug(node: CompiledNode, msg: RuleMsg, type: 'IN' | 'OUT', relation?: string, error?: string): void;
  chain(tenantId: string, chainId: string): Promise<CompiledChain | null>;
  logFor(node: CompiledNode, message: string, level: 'log' | 'debug'): void;
}

/**
 * The context of one node invocation. A class (methods on the prototype) rather than an object
 * of closures: one is made per node per message, so it must be cheap to allocate.
 */
export class InvocationContext implements NodeContext, WriteListener {
  constructor(
    private readonly engine: EngineInternals,
    private readonly run: BatchRun,
    /** Index of the entry message this invocation descends from (its TellResult). */
    private readonly trace: number,
    private readonly node: CompiledNode,
    private readonly hops: number,
  ) {}

  get tenantId(): string {
    return this.node.tenantId;
  }

  get self(): NodeContext['self'] {
    return { id: this.node.id, name: this.node.name, ruleChainId: this.node.chainId };
  }

  get downlink(): DownlinkPort {
    return this.engine.ports.downlink;
  }

  get scripts(): ScriptPort {
    return this.engine.ports.scripts;
  }

  private route(msg: RuleMsg, relation: string, error?: string): void {
    this.engine.debug(this.node, msg, 'OUT', relation, error);
    const targets = this.node.next.get(relation);
    if (!targets) return;
    if (this.hops + 1 > MAX_HOPS) {
      this.fail(`Message ${msg.id} passed more than ${MAX_HOPS} rule nodes; the rule chains loop`);
      return;
    }
    for (const t of targets) this.engine.spawn(this.run, this.trace, t, msg, this.hops + 1);
  }

  private fail(error: string): void {
    this.run.trace(this.trace).failures.push({ nodeId: this.node.id, nodeName: this.node.name, error });
  }

  tellNext(msg: RuleMsg, relation: string | string[]): void {
    if (typeof relation === 'string') this.route(msg, relation);
    else for (const r of relation) this.route(msg, r);
  }

  tellSuccess(msg: RuleMsg): void {
    this.route(msg, SUCCESS);
  }

  tellFailure(msg: RuleMsg, error: unknown): void {
    const text = errorText(error);
    this.fail(text);
    if (!this.node.next.has(FAILURE))
      this.engine.logFor(this.node, `failed (no Failure connection): ${text}`, 'debug');
    this.route(msg, FAILURE, text);
  }

  saveDeviceData(item: DeviceData): Promise<void> {
    return this.run.write(item);
  }

  saveDeviceDataThenSuccess(item: DeviceData, msg: RuleMsg): void {
    // a message somebody debugs names its trace with its data, so its live push is recorded too
    const t = msg.traceId;
    if (t && this.engine.ports.debug.traced?.(t)) item = { ...item, traceIds: [t] };
    this.run.writeThen(item, this, msg);
  }

  /** The commit of a saveDeviceDataThenSuccess write: Success, or Failure with the write error. */
  written(msg: unknown, error: unknown): void {
    try {
      if (error) this.tellFailure(msg as RuleMsg, error);
      else this.tellSuccess(msg as RuleMsg);
    } catch (e) {
      this.fail(errorText(e));
    }
  }

  saveAttributes(deviceId: string, scope: AttributeScope, values: Record<string, unknown>): Promise<void> {
    return this.engine.ports.telemetry.saveAttributes(this.node.tenantId, deviceId, scope, values);
  }

  toRuleChain(ruleChainId: string, msg: RuleMsg): void {
    this.run.spawn(async () => {
      try {
        const target = await this.engine.chain(this.node.tenantId, ruleChainId);
        if (!target) throw new Error(`Rule chain ${ruleChainId} not found`);
        if (target.first) this.engine.spawn(this.run, this.trace, target.first, msg, this.hops + 1);
      } catch (e) {
        this.fail(errorText(e));
      }
    });
  }

  reportDelivery(d: Omit<Delivery, 'nodeId'>): void {
    this.run.trace(this.trace).deliveries.push({ ...d, nodeId: this.node.id });
  }

  log(message: string): void {
    this.engine.logFor(this.node, message, 'log');
  }
}
