import { z } from 'zod';
import type { EntityId, EntityType } from './common.js';

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

/** GET /api/components: what the editor needs to build its palette and forms. */
export interface ComponentDescriptor {
  type: string;
  name: string;
  category: RuleNodeCategory;
  description: string;
  version: number;
  relationTypes: string[];
  configurationSchema: Record<string, unknown>;
  defaultConfiguration: Record<string, unknown>;
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
  firstNodeIndex: number | null;
  nodes: RuleNode[];
  connections: NodeConnection[];
  ruleChainConnections: null;
}

export const saveRuleChainSchema = z.object({
  id: z.object({ entityType: z.literal('RULE_CHAIN'), id: z.string().uuid() }).optional(),
  name: z.string().trim().min(1, 'name is required').max(255),
  type: z.literal('CORE').default('CORE'),
  debugMode: z.boolean().default(false),
  configuration: z.record(z.string(), z.unknown()).nullish(),
  additionalInfo: z.record(z.string(), z.unknown()).nullish(),
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
