import { z } from 'zod';
import { versionSchema, type EntityId, type EntityType } from './common.js';

/** Message types the platform produces (ThingsBoard names). */
export const msgTypes = {
  POST_TELEMETRY_REQUEST: 'POST_TELEMETRY_REQUEST',
  POST_ATTRIBUTES_REQUEST: 'POST_ATTRIBUTES_REQUEST',
  RPC_CALL_FROM_SERVER_TO_DEVICE: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
  ENTITY_CREATED: 'ENTITY_CREATED',
  ENTITY_UPDATED: 'ENTITY_UPDATED',
  ENTITY_DELETED: 'ENTITY_DELETED',
  ACTIVITY_EVENT: 'ACTIVITY_EVENT',
  CONNECT_EVENT: 'CONNECT_EVENT',
  DISCONNECT_EVENT: 'DISCONNECT_EVENT',
} as const;

/** A rule-engine message: `data` is JSON text, metadata values are strings. */
export interface RuleMsg {
  id: string;
  type: string;
  originator: { entityType: EntityType; id: string };
  data: string;
  metadata: Record<string, string>;
  ts: number;
  /** the uplink or RPC this message came from; carried to every debug event it causes (absent: not traced) */
  traceId?: string;
}

export const ruleNodeCategories = [
  'FILTER',
  'ENRICHMENT',
  'TRANSFORMATION',
  'ACTION',
  'EXTERNAL',
  'FLOW',
] as const;
export type RuleNodeCategory = (typeof ruleNodeCategories)[number];

/** What the editor needs of a rule node type to build its palette and forms (from a ComponentDescriptor). */
export interface RuleNodeTypeInfo {
  /** the node class: a rule node's `type` */
  type: string;
  name: string;
  category: RuleNodeCategory;
  description: string;
  version: number;
  relationTypes: string[];
  configurationSchema: Record<string, unknown>;
  defaultConfiguration: Record<string, unknown>;
}

/**
 * GET /api/components and /api/component/{clazz}: ThingsBoard's ComponentDescriptor. `type` is the category,
 * `clazz` the node class; our JSON schema for the editor form sits in `configurationDescriptor.nodeDefinition`.
 */
export interface ComponentDescriptor {
  id: { id: string };
  createdTime: number;
  type: RuleNodeCategory;
  scope: 'TENANT';
  clusteringMode: 'ENABLED';
  name: string;
  clazz: string;
  configurationVersion: number;
  actions: null;
  hasQueueName: false;
  configurationDescriptor: {
    nodeDefinition: {
      description: string;
      details: string;
      relationTypes: string[];
      customRelations: false;
      inEnabled: boolean;
      outEnabled: boolean;
      defaultConfiguration: Record<string, unknown>;
      configurationSchema: Record<string, unknown>;
    };
  };
}

export const ruleChainTypes = ['CORE', 'EDGE'] as const;

/** The editor's view of a ComponentDescriptor. */
export function ruleNodeTypeInfo(d: ComponentDescriptor): RuleNodeTypeInfo {
  const n = d.configurationDescriptor.nodeDefinition;
  return {
    type: d.clazz,
    name: d.name,
    category: d.type,
    description: n.description,
    version: d.configurationVersion,
    relationTypes: n.relationTypes,
    configurationSchema: n.configurationSchema,
    defaultConfiguration: n.defaultConfiguration,
  };
}

export interface RuleChain {
  id: EntityId<'RULE_CHAIN'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  name: string;
  type: 'CORE';
  firstRuleNodeId: EntityId<'RULE_NODE'> | null;
  root: boolean;
  debugMode: boolean;
  configuration: Record<string, unknown> | null;
  additionalInfo: Record<string, unknown> | null;
  /** raised by every save of the chain or its nodes; a save naming an older version answers 409 */
  version: number;
}

export interface RuleNode {
  id: EntityId<'RULE_NODE'>;
  createdTime: number;
  ruleChainId: EntityId<'RULE_CHAIN'>;
  type: string;
  name: string;
  /** On while debug events are recorded; switches itself off after DEBUG_MODE_AUTO_OFF_MIN unless pinned. */
  debugMode: boolean;
  /** keep debug mode on instead of switching it off after DEBUG_MODE_AUTO_OFF_MIN minutes */
  debugPinned: boolean;
  /** when debug mode switches itself off (ms); null when off or pinned */
  debugModeUntil: number | null;
  configuration: Record<string, unknown>;
  additionalInfo: Record<string, unknown> | null;
}

export interface NodeConnection {
  fromIndex: number;
  toIndex: number;
  type: string;
}

export interface RuleChainMetaData {
  ruleChainId: EntityId<'RULE_CHAIN'>;
  /** -1 when the chain has no first node (answers); a save also takes null */
  firstNodeIndex: number | null;
  nodes: RuleNode[];
  connections: NodeConnection[];
  /** always empty: ThingsBoard's clients cannot read null here */
  ruleChainConnections: [];
  version: number;
}

export const saveRuleChainSchema = z.object({
  id: z.object({ entityType: z.literal('RULE_CHAIN'), id: z.string().uuid() }).optional(),
  name: z.string().trim().min(1, 'name is required').max(255),
  type: z.literal('CORE').default('CORE'),
  debugMode: z.boolean().default(false),
  configuration: z.record(z.string(), z.unknown()).nullish(),
  additionalInfo: z.record(z.string(), z.unknown()).nullish(),
  version: versionSchema,
});
export type SaveRuleChainRequest = z.infer<typeof saveRuleChainSchema>;

export const saveRuleNodeSchema = z.object({
  id: z.object({ entityType: z.literal('RULE_NODE'), id: z.string().uuid() }).nullish(),
  type: z.string().min(1, 'type is required').max(255),
  name: z.string().trim().min(1, 'name is required').max(255),
  debugMode: z.boolean().default(false),
  debugPinned: z.boolean().default(false),
  configuration: z.record(z.string(), z.unknown()).default({}),
  additionalInfo: z.record(z.string(), z.unknown()).nullish(),
});

export const saveRuleChainMetaDataSchema = z.object({
  ruleChainId: z.object({ entityType: z.literal('RULE_CHAIN'), id: z.string().uuid() }),
  firstNodeIndex: z.number().int().min(-1).nullish(),
  nodes: z.array(saveRuleNodeSchema).max(500),
  connections: z
    .array(
      z.object({
        fromIndex: z.number().int().min(0),
        toIndex: z.number().int().min(0),
        type: z.string().min(1).max(255),
      }),
    )
    .max(5000)
    .nullish(),
  /** the chain's version the nodes were loaded at (409 when it moved on meanwhile) */
  version: versionSchema,
});
export type SaveRuleChainMetaDataRequest = z.infer<typeof saveRuleChainMetaDataSchema>;

/** Body of a DEBUG_RULE_NODE debug event (ThingsBoard's shape). */
export interface RuleNodeDebugEventBody {
  /** IN: the message entered the node; OUT: it left along `relationType`. */
  type: 'IN' | 'OUT';
  msgId: string;
  msgType: string;
  entityType: EntityType;
  entityId: string;
  relationType?: string;
  dataType: 'JSON';
  data: string;
  metadata: Record<string, string>;
  error?: string;
  [k: string]: unknown;
}
export const RULE_NODE_DEBUG_EVENT = 'DEBUG_RULE_NODE';
