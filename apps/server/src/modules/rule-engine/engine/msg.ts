import type { EntityType, RuleMsg } from '@bridgeboard/contracts';
import { newId } from '../../../common/ids.js';

/**
 * The data value of messages made here from an object, so nodes on the hot path need not parse
 * it back: a non-enumerable property, so copies of the message ({...msg}) do not carry it.
 */
const VALUE = Symbol('value');

/**
 * A message; object data is written as JSON text only when someone reads `data` (the Save nodes
 * on the uplink path never do), so the object must not be changed after it is handed over.
 */
export function newMsg(
  type: string,
  originator: { entityType: EntityType; id: string },
  data: unknown,
  metadata: Record<string, string> = {},
  ts = Date.now(),
): RuleMsg {
  if (typeof data === 'string') return { id: newId(), type, originator, data, metadata, ts };
  let text: string | undefined;
  const msg: RuleMsg = {
    id: newId(),
    type,
    originator,
    get data(): string {
      return (text ??= JSON.stringify(data) ?? 'null');
    },
    metadata,
    ts,
  };
  Object.defineProperty(msg, VALUE, { value: data });
  return msg;
}

/** The message with some fields replaced (messages are never changed in place: other branches hold them too). */
export const transformMsg = (
  msg: RuleMsg,
  change: Partial<Pick<RuleMsg, 'type' | 'data' | 'metadata'>>,
): RuleMsg => ({ ...msg, ...change });

/** The message data as a value; treat it as read-only (it may be shared with the message's creator). */
export function parseData(msg: RuleMsg): unknown {
  if (VALUE in msg) return (msg as { [VALUE]?: unknown })[VALUE];
  try {
    return JSON.parse(msg.data);
  } catch {
    throw new Error(`Message data is not valid JSON: ${msg.data.slice(0, 100)}`);
  }
}

/** Metadata values are strings; anything else a script returns is written as JSON text. */
export function toMetadata(v: unknown): Record<string, string> {
  if (v == null || typeof v !== 'object' || Array.isArray(v))
    throw new Error('metadata must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}
