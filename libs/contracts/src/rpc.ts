import { z } from 'zod';
import type { EntityId } from './common.js';

/** Body of POST /api/plugins/rpc/{oneway|twoway}/{deviceId} (ThingsBoard's shape). */
export const rpcRequestSchema = z.object({
  method: z.string().trim().min(1, 'method is required').max(255),
  params: z.unknown().optional(),
  /** How long to wait for the device (two-way) or for delivery, ms. */
  timeout: z.number().int().min(1).max(86_400_000).optional(),
  /** Absolute expiry, ms since epoch; overrides timeout. */
  expirationTime: z.number().int().min(0).optional(),
  /** Stored with a status, kept across restarts, sent when the integration connects. */
  persistent: z.boolean().default(false),
  retries: z.number().int().min(0).max(100).optional(),
  additionalInfo: z.unknown().optional(),
});
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

export const rpcStatuses = [
  'QUEUED',
  'SENT',
  'DELIVERED',
  'SUCCESSFUL',
  'TIMEOUT',
  'EXPIRED',
  'FAILED',
] as const;
export type RpcStatus = (typeof rpcStatuses)[number];
/** Every call ends in exactly one of these. */
export const finalRpcStatuses: readonly RpcStatus[] = ['SUCCESSFUL', 'TIMEOUT', 'EXPIRED', 'FAILED'];

/** A persistent RPC (GET /api/rpc/persistent/...). */
export interface Rpc {
  id: { entityType: 'RPC'; id: string };
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  deviceId: EntityId<'DEVICE'>;
  expirationTime: number;
  request: { id: string; oneway: boolean; persisted: true; body: { method: string; params: string } };
  response: unknown;
  status: RpcStatus;
  additionalInfo: unknown;
}

/** What a persistent call answers at once: its id, to follow with GET /api/rpc/persistent/{rpcId}. */
export interface PersistentRpcAccepted {
  rpcId: string;
}
