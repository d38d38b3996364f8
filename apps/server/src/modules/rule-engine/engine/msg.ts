import type { EntityType, RuleMsg } from '@bridgeboard/contracts';
import { newId } from '../../../common/ids.js';

export function newMsg(
  type: string,
  originator: { entityType: EntityType; id: string },
  data: unknown,
  metadata: Record<string, string> = {},
  ts = Date.now(),
): RuleMsg {
  return {
    id: newId(),
    type,
    originator,
    data: typeof data === 'string' ? data : JSON.stringify(data),
    metadata,
    ts,
  };
}

/** The message with some fields replaced (messages are never changed in place: other branches hold them too). */
export const transformMsg = (
  msg: RuleMsg,
  change: Partial<Pick<RuleMsg, 'type' | 'data' | 'metadata'>>,
): RuleMsg => ({ ...msg, ...change });

export function parseData(msg: RuleMsg): unknown {
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
