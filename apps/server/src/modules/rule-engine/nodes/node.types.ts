import type { z } from 'zod';
import type { RuleMsg, RuleNodeCategory } from '@bridgeboard/contracts';
import type { AttributeScope, DeviceData, DownlinkPort, ScriptPort } from '../engine/ports.js';

/** A downlink that left (or tried to leave) the platform; RPC calls are answered from these. */
export interface Delivery {
  nodeId: string;
  integrationId: string;
  integrationName?: string;
  ok: boolean;
  /** HTTP-like status of a failure: 409 integration not connected, 422 converter error, 404 unknown integration. */
  status?: number;
  error?: string;
  /** Set when a persistent RPC could not be published now: what to publish once the integration connects. */
  queued?: { topic: string; payload: string; encoding: 'base64' };
}

/**
 * What a node sees of the platform (ThingsBoard's TbContext): it routes messages with
 * tellNext/tellSuccess/tellFailure and reaches services only through here.
 */
export interface NodeContext {
  readonly tenantId: string;
  readonly self: { id: string; name: string; ruleChainId: string };
  tellNext(msg: RuleMsg, relation: string | string[]): void;
  tellSuccess(msg: RuleMsg): void;
  tellFailure(msg: RuleMsg, error: unknown): void;
  /** Saves one device's data in the batch's single commit; resolves once committed. */
  saveDeviceData(item: DeviceData): Promise<void>;
  /**
   * As saveDeviceData, then tells the message Success once committed (Failure with the error if
   * the commit failed), without a promise per message: the Save nodes' path for large batches.
   */
  saveDeviceDataThenSuccess(item: DeviceData, msg: RuleMsg): void;
  saveAttributes(deviceId: string, scope: AttributeScope, values: Record<string, unknown>): Promise<void>;
  /** Hands the message to the first node of another rule chain of the tenant. */
  toRuleChain(ruleChainId: string, msg: RuleMsg): void;
  reportDelivery(d: Omit<Delivery, 'nodeId'>): void;
  readonly downlink: DownlinkPort;
  readonly scripts: ScriptPort;
  log(message: string): void;
}

export interface RuleNodeRuntime {
  onMsg(ctx: NodeContext, msg: RuleMsg): Promise<void> | void;
  destroy?(): void;
}

/** One node type: its definition (served by GET /api/components) and how to make its runtime. */
export interface RuleNodeDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  name: string;
  category: RuleNodeCategory;
  description: string;
  version: number;
  relationTypes: string[];
  /** zod schema of the configuration: validation on save, defaults, and the JSON schema served to the editor. */
  configSchema: S;
  defaultConfiguration: z.input<S>;
  create(config: z.output<S>, self: { id: string; tenantId: string }): RuleNodeRuntime;
}

export const defineNode = <S extends z.ZodType>(d: RuleNodeDefinition<S>): RuleNodeDefinition<S> => d;

export const SUCCESS = 'Success';
export const FAILURE = 'Failure';
