import type { EntityType, RuleMsg } from '@bridgeboard/contracts';
import { newId } from '../../../common/ids.js';

/** `id` and `data` of a ValueMsg: own enumerable accessors (so {...msg} and JSON.stringify copy them). */
const ID: PropertyDescriptor = {
  get(this: ValueMsg): string {
    return ValueMsg.id(this);
  },
  enumerable: true,
  configurable: true,
};
const DATA: PropertyDescriptor = {
  get(this: ValueMsg): string {
    return ValueMsg.text(this);
  },
  enumerable: true,
  configurable: true,
};

/**
 * A message made here from an object: the value is kept (private, so copies of the message
 * ({...msg}) do not carry it) and written as JSON text only when someone reads `data` (the Save
 * nodes on the uplink path never do), so the object must not be changed after it is handed over;
 * its id is likewise made when first read.
 * A class with shared getters rather than an object literal with a getter: the literal gets a
 * closure per message and slow (dictionary) properties, ~1 µs more per message on the uplink path.
 */
class ValueMsg implements RuleMsg {
  declare readonly id: string;
  declare readonly type: string;
  declare readonly originator: { entityType: EntityType; id: string };
  declare readonly data: string;
  declare readonly metadata: Record<string, string>;
  declare readonly ts: number;
  declare readonly traceId: string | undefined;
  readonly #value: unknown;
  #text: string | undefined;
  #id: string | undefined;

  constructor(
    type: string,
    originator: { entityType: EntityType; id: string },
    value: unknown,
    metadata: Record<string, string>,
    ts: number,
    traceId: string | undefined,
  ) {
    const self = this as { -readonly [K in keyof RuleMsg]: RuleMsg[K] };
    Object.defineProperty(this, 'id', ID);
    self.type = type;
    self.originator = originator;
    Object.defineProperty(this, 'data', DATA);
    self.metadata = metadata;
    self.ts = ts;
    self.traceId = traceId;
    this.#value = value;
  }

  /** Made on first read (most uplink messages are never asked for theirs), then kept. */
  static id(m: ValueMsg): string {
    return (m.#id ??= newId());
  }

  static text(m: ValueMsg): string {
    return (m.#text ??= JSON.stringify(m.#value) ?? 'null');
  }

  /** The value when `m` is a ValueMsg, else `none`. */
  static valueOf(m: RuleMsg, none: unknown): unknown {
    return #value in m ? (m as ValueMsg).#value : none;
  }
}

/** A message; object data is written as JSON text only when someone reads `data` (see ValueMsg). */
export function newMsg(
  type: string,
  originator: { entityType: EntityType; id: string },
  data: unknown,
  metadata: Record<string, string> = {},
  ts = Date.now(),
  traceId?: string,
): RuleMsg {
  if (typeof data === 'string') return { id: newId(), type, originator, data, metadata, ts, traceId };
  return new ValueMsg(type, originator, data, metadata, ts, traceId);
}

/** The message with some fields replaced (messages are never changed in place: other branches hold them too). */
export const transformMsg = (
  msg: RuleMsg,
  change: Partial<Pick<RuleMsg, 'type' | 'data' | 'metadata'>>,
): RuleMsg => ({ ...msg, ...change });

/** The message data as a value; treat it as read-only (it may be shared with the message's creator). */
const NONE = Symbol('none');

export function parseData(msg: RuleMsg): unknown {
  const v = ValueMsg.valueOf(msg, NONE);
  if (v !== NONE) return v;
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
