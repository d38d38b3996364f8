import { MAX_TELEMETRY_KEY_LENGTH } from '@bridgeboard/contracts';
import { TelemetryError } from './telemetry.errors.js';

/** One value in the typed columns shared by ts_kv, ts_kv_latest and attribute_kv. */
export interface Typed {
  bool_v: boolean | null;
  long_v: string | null;
  dbl_v: number | null;
  str_v: string | null;
  json_v: string | null;
}

export interface TypedRow {
  bool_v: boolean | null;
  long_v: string | null;
  dbl_v: number | null;
  str_v: string | null;
  json_v: unknown;
}

const hasNul = (s: string) => s.includes('\u0000');

function checkJson(v: unknown, path: string): void {
  if (typeof v === 'string') {
    if (hasNul(v)) throw TelemetryError.bad(`Value of '${path}' contains a NUL character (\\u0000), which cannot be stored`);
  } else if (Array.isArray(v)) v.forEach((x, i) => checkJson(x, `${path}[${i}]`));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (hasNul(k)) throw TelemetryError.bad(`A field name inside '${path}' contains a NUL character (\\u0000), which cannot be stored`);
      checkJson(x, `${path}.${k}`);
    }
  }
}

/** Checks a key; throws a sentence naming it (shortened) when it cannot be stored. */
export function checkKey(key: string): void {
  if (!key) throw TelemetryError.bad('A telemetry or attribute key is empty');
  if (key.length > MAX_TELEMETRY_KEY_LENGTH)
    throw TelemetryError.bad(
      `Key '${key.slice(0, 40)}…' is ${key.length} characters long; keys may have at most ${MAX_TELEMETRY_KEY_LENGTH}`,
    );
  if (hasNul(key)) throw TelemetryError.bad(`Key '${key.split('\u0000').join('\\u0000').slice(0, 60)}' contains a NUL character (\\u0000)`);
}

/**
 * Sorts a JSON value into its column: boolean, long (safe integers), double, string, JSON.
 * Returns null for null/undefined (nothing to store). Throws for what Postgres cannot hold.
 */
export function toTyped(key: string, v: unknown): Typed | null {
  checkKey(key);
  const t: Typed = { bool_v: null, long_v: null, dbl_v: null, str_v: null, json_v: null };
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') t.bool_v = v;
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw TelemetryError.bad(`Value of '${key}' is not a finite number`);
    if (Number.isSafeInteger(v)) t.long_v = String(v);
    else t.dbl_v = v;
  } else if (typeof v === 'bigint') t.long_v = String(v);
  else if (typeof v === 'string') {
    if (hasNul(v)) throw TelemetryError.bad(`Value of '${key}' contains a NUL character (\\u0000), which cannot be stored`);
    t.str_v = v;
  } else if (typeof v === 'object') {
    checkJson(v, key);
    t.json_v = JSON.stringify(v);
  } else throw TelemetryError.bad(`Value of '${key}' has unsupported type ${typeof v}`);
  return t;
}

/** The stored value, as ThingsBoard answers: text unless strict types are asked for. */
export function fromRow(r: TypedRow, strict: boolean): unknown {
  let v: unknown;
  if (r.bool_v !== null) v = r.bool_v;
  else if (r.long_v !== null) v = Number(r.long_v);
  else if (r.dbl_v !== null) v = Number(r.dbl_v);
  else if (r.str_v !== null) v = r.str_v;
  else if (r.json_v !== null && r.json_v !== undefined) v = r.json_v;
  else v = null;
  if (strict) return v;
  if (r.long_v !== null) return r.long_v;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v === null ? null : String(v);
}

/** Checks a whole map of values (used before a batch so one bad value cannot fail the others). */
export function checkValues(values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) toTyped(k, v);
}
