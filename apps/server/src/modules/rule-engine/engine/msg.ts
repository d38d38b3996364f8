import type { EntityType, RuleMsg } from '@bridgeboard/contracts';
import { newId } from '../../../common/ids.js';

/** The parsed data of messages made here from an object, so nodes on the hot path need not parse it back. */
const parsed = new WeakMap<RuleMsg, unknown>();

export function newMsg(
  type: string,
  originator: { entityType: EntityType; id: string },
  data: unknown,
  metadata: Record<string, string> = {},
  ts = Date.now(),
): RuleMsg {
  if (typeof data === 'string') return { id: newId(), type, originator, data, metadata, ts };
  const msg: RuleMsg = { id: newId(), type, originator, data: JSON.stringify(data), metadata, ts };
  parsed.set(msg, data);
  return msg;
}

/** The message with some fields replaced (messages are never changed in place: other branches hold them too). */
export const transformMsg = (
  msg: RuleMsg,
  change: Partial<Pick<RuleMsg, 'type' | 'data' | 'metadata'>>,
): RuleMsg => ({ ...msg, ...change });

/** The message data as a value; treat it as read-only (it may be shared with the message's creator). */
export function parseData(msg: RuleMsg): unknown {
  if (parsed.has(msg)) return parsed.get(msg);
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
