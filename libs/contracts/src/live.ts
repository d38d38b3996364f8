import { z } from 'zod';
import type { Device } from './device.js';
import type { AttributeScope, TsValue } from './telemetry.js';
import type { DebugEvent, EntityType } from './common.js';
import type { IntegrationStatus } from './integration.js';

/** Rooms a socket may join (tenant-checked): one entity's events, or all of the tenant's. */
export const liveRoomSchema = z
  .string()
  .regex(/^(tenant|(device|integration|converter|rulenode):[0-9a-fA-F-]{36})$/, "room must be 'tenant' or '<device|integration|converter|rulenode>:<uuid>'");
export const liveSubscribeSchema = z.object({ room: liveRoomSchema });
export type LiveSubscribe = z.infer<typeof liveSubscribeSchema>;
export interface LiveAck {
  ok: boolean;
  error?: string;
}

export interface LiveEvents {
  /** new latest values of a device */
  telemetry: { deviceId: string; data: Record<string, TsValue[]> };
  attributes: { deviceId: string; scope: AttributeScope; data: { key: string; value: unknown; lastUpdateTs: number }[] };
  device: { event: 'created' | 'updated' | 'deleted'; device: Device };
  integrationStatus: { integrationId: string } & IntegrationStatus;
  debugEvent: { entityType: EntityType; entityId: string; event: DebugEvent };
}
export type LiveEventName = keyof LiveEvents;
/**
 * Sent to one connection just before the server closes it because its rights ended: the token
 * expired, or the user or tenant was deleted or disabled. A client may refresh its token and connect again.
 */
export interface LiveSessionEnded {
  reason: string;
}
export const LIVE_SESSION_ENDED = 'sessionEnded';
export const liveEventNames = ['telemetry', 'attributes', 'device', 'integrationStatus', 'debugEvent'] as const satisfies readonly LiveEventName[];
