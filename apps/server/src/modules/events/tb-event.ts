import type { DebugEvent, EntityType } from '@bridgeboard/contracts';

/** ThingsBoard's event types (its Events tab asks for one at a time). */
export const tbEventTypes = [
  'DEBUG_CONVERTER',
  'DEBUG_INTEGRATION',
  'DEBUG_RULE_NODE',
  'LC_EVENT',
  'ERROR',
  'STATS',
] as const;
export type TbEventType = (typeof tbEventTypes)[number];

/** ThingsBoard's EventInfo: what GET /api/events/{entityType}/{entityId}/{eventType} returns per event. */
export interface TbEvent {
  id: { id: string };
  createdTime: number;
  tenantId: { entityType: 'TENANT'; id: string };
  entityId: { entityType: EntityType; id: string };
  type: string;
  uid: string;
  body: Record<string, unknown>;
}

const jsonText = (v: unknown): string | null =>
  v == null ? null : typeof v === 'string' ? v : JSON.stringify(v);

/**
 * Our stored debug events in ThingsBoard's shape. Ours keep metadata as an object and name the input's
 * content type `inContentType`; ThingsBoard sends metadata as JSON text and names the message types.
 */
export function toTbEvent(tenantId: string, e: DebugEvent): TbEvent {
  const b = e.body as Record<string, unknown>;
  let body: Record<string, unknown>;
  if (e.type === 'DEBUG_CONVERTER') {
    const meta = (b.metadata ?? {}) as Record<string, unknown>;
    // only a downlink run records the message type beside its metadata
    const downlink = typeof meta === 'object' && meta !== null && 'msgType' in meta;
    body = {
      type: downlink ? 'Downlink' : 'Uplink',
      inMessageType: b.inContentType ?? 'JSON',
      in: b.in ?? '',
      outMessageType: 'JSON',
      out: b.out ?? '',
      metadata: jsonText(b.metadata),
      error: b.error || null,
    };
  } else if (e.type === 'DEBUG_INTEGRATION') {
    body = {
      ...b,
      messageType: b.inContentType ?? 'JSON',
      message: b.in ?? b.out ?? '',
      metadata: jsonText(b.metadata),
      error: b.error || null,
    };
  } else {
    body = { ...b, metadata: jsonText(b.metadata) };
  }
  return {
    id: { id: e.id },
    createdTime: e.createdTime,
    tenantId: { entityType: 'TENANT', id: tenantId },
    entityId: e.entityId,
    type: e.type,
    uid: e.id,
    body,
  };
}
