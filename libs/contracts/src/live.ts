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

/**
 * The debug event of a traced uplink's live push (type `DEBUG_LIVE`, entity: the device): recorded
 * only for a message something already records debug events for (GET /api/events/trace/{traceId}).
 */
export const LIVE_PUSH_DEBUG_EVENT = 'DEBUG_LIVE';
export interface LivePushDebugEventBody {
  type: 'LIVE';
  /** the socket.io event sent */
  event: 'telemetry' | 'attributes';
  /** the keys it carried (the device's latest values this batch moved) */
  keys: string[];
  scope?: AttributeScope;
  /** sockets of THIS node that received it (each once, whatever rooms it joined) */
  sockets: number;
  /** the rooms among `device:<id>` and `tenant` that had a socket on this node */
  rooms: string[];
  /** this node's id (a cluster node) */
  node: string;
  /** other nodes with a socket in one of the rooms: the Postgres adapter took the event there; their sockets are not counted here */
  otherNodes: number;
}
