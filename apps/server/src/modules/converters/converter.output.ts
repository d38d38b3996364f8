import { describeSpecial, MARKER, specialAt } from '@bridgeboard/sandbox';
import type { DecodedUplink, DownlinkResult, TsValues } from './converter.runtime.js';

/**
 * Checks what a script returned (plain JSON parsed on the host, with the sandbox's markers for
 * what JSON cannot carry) and turns it into the platform's shapes. Every message names the field.
 */
type Check<T> = { ok: true; value: T } | { ok: false; error: string };
const bad = (error: string): { ok: false; error: string } => ({ ok: false, error });
const MARKER_KEY = JSON.stringify(MARKER);
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const kind = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

/** The result as JSON text for people: markers shown as "[NaN]", "[function]"... */
export function showOutput(v: unknown): string {
  // Markers are objects keyed "$bb$": without that key in the plain text there is nothing to replace.
  const plain = JSON.stringify(v);
  if (plain === undefined) return '';
  if (!plain.includes(MARKER_KEY)) return plain;
  return (
    JSON.stringify(v, (_k, x: unknown) =>
      isObj(x) && Object.keys(x).length === 1 && MARKER in x ? `[${String(x[MARKER])}]` : x,
    ) ?? ''
  );
}

/** `marked`: whether the sandbox wrote a marker into the value (false: no need to look for one). */
export function checkUplink(value: unknown, now: number, marked = true): Check<DecodedUplink[]> {
  const special = marked ? specialAt(value) : null;
  if (special) return bad(`The decoder's result is not valid: ${describeSpecial(special, 'the result')}`);
  if (value === undefined)
    return bad(
      'The decoder returned nothing: it must return an object with deviceName and deviceType (or an array of them)',
    );
  const list = Array.isArray(value) ? value : [value];
  const out: DecodedUplink[] = [];
  for (let i = 0; i < list.length; i++) {
    const r = checkOne(list[i], Array.isArray(value) ? `result[${i}].` : '', now);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

function checkOne(v: unknown, at: string, now: number): Check<DecodedUplink> {
  if (!isObj(v))
    return bad(
      `The decoder's ${at ? at.slice(0, -1) : 'result'} must be an object with deviceName and deviceType, got ${kind(v)}`,
    );
  for (const f of ['deviceName', 'deviceType'] as const) {
    const x = v[f];
    if (x === undefined || x === null)
      return bad(`The decoder's result is missing ${at}${f}: every result needs deviceName and deviceType`);
    if (typeof x !== 'string') return bad(`${at}${f} must be a string, got ${kind(x)}`);
    if (!x.trim()) return bad(`${at}${f} must not be empty`);
    if (x.length > 255) return bad(`${at}${f} is longer than 255 characters`);
  }
  const r: DecodedUplink = { deviceName: v.deviceName as string, deviceType: v.deviceType as string };
  if (v.attributes !== undefined) {
    const a = checkValues(v.attributes, `${at}attributes`);
    if (!a.ok) return a;
    r.attributes = a.value;
  }
  if (v.telemetry !== undefined) {
    const warnings: string[] = [];
    const t = checkTelemetry(v.telemetry, `${at}telemetry`, now, warnings);
    if (!t.ok) return t;
    r.telemetry = t.value;
    if (warnings.length) r.warnings = warnings;
  }
  if (v.rpcResponse !== undefined) {
    const p = v.rpcResponse;
    if (!isObj(p)) return bad(`${at}rpcResponse must be an object {requestId, data}, got ${kind(p)}`);
    if (p.requestId !== undefined && typeof p.requestId !== 'string' && typeof p.requestId !== 'number')
      return bad(`${at}rpcResponse.requestId must be a string or a number, got ${kind(p.requestId)}`);
    r.rpcResponse = {
      ...(p.requestId !== undefined ? { requestId: p.requestId as string | number } : {}),
      data: p.data ?? null,
    };
  }
  return { ok: true, value: r };
}

/** Flat key → value; strings, numbers and booleans as they are, nested objects kept as JSON values. */
function checkValues(v: unknown, at: string): Check<Record<string, unknown>> {
  if (!isObj(v)) return bad(`${at} must be an object of key/value pairs, got ${kind(v)}`);
  for (const [k, x] of Object.entries(v)) {
    if (!k) return bad(`${at} has an empty key`);
    if (x === null) return bad(`${at}.${k} is null; leave the key out instead`);
  }
  return { ok: true, value: v };
}

/** Below this a time in milliseconds is before 1973-03-03, and as seconds it is any date up to the year 5138. */
export const SECONDS_BELOW_MS = 100_000_000_000;
/** Further ahead than this, a timestamp is not a device clock running fast (ms). */
export const FUTURE_TOLERANCE_MS = 24 * 3_600_000;

/** A date for a sentence: ISO up to the year 9999, else just the year. */
const day = (ms: number) =>
  ms <= 253_402_300_799_999
    ? new Date(ms).toISOString().replace('.000Z', 'Z')
    : ms <= 8.64e15
      ? `in the year ${new Date(ms).getUTCFullYear()}`
      : 'after the year 275760';

/**
 * A timestamp that is valid but almost certainly not what the device meant: seconds instead of
 * milliseconds, or far in the future (micro- or nanoseconds, a wrong clock). The data is kept as given
 * (as ThingsBoard does); the sentence goes into an ERROR debug event so the decoder can be fixed.
 */
export function oddTimestamp(ts: number, now: number, at: string): string | null {
  if (ts < SECONDS_BELOW_MS)
    return (
      `${at} ${ts} looks like seconds (${day(ts * 1000)}); stored as milliseconds, at ${day(ts)}: ` +
      `timestamps are milliseconds since 1970 (multiply by 1000 in the decoder)`
    );
  if (ts > now + FUTURE_TOLERANCE_MS) {
    const unit =
      ts / 1000 <= now + FUTURE_TOLERANCE_MS && ts / 1000 >= SECONDS_BELOW_MS
        ? ' it looks like microseconds (divide by 1000 in the decoder);'
        : ts / 1_000_000 <= now + FUTURE_TOLERANCE_MS && ts / 1_000_000 >= SECONDS_BELOW_MS
          ? ' it looks like nanoseconds (divide by 1000000 in the decoder);'
          : '';
    return (
      `${at} ${ts} is ${day(ts)}, more than a day in the future;${unit} ` +
      `stored as given: timestamps are milliseconds since 1970`
    );
  }
  return null;
}

function checkTelemetry(v: unknown, at: string, now: number, warnings: string[]): Check<TsValues[]> {
  const list = Array.isArray(v) ? v : isObj(v) && isTsValues(v) ? [v] : null;
  if (!list) {
    const values = checkValues(v, at);
    return values.ok ? { ok: true, value: [{ ts: now, values: values.value }] } : values;
  }
  const out: TsValues[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    const p = Array.isArray(v) ? `${at}[${i}]` : at;
    if (!isObj(e) || !('values' in e)) return bad(`${p} must be {ts, values: {key: value}}, got ${kind(e)}`);
    let ts = now;
    if (e.ts !== undefined) {
      ts = typeof e.ts === 'string' && /^\d+$/.test(e.ts) ? Number(e.ts) : (e.ts as number);
      if (typeof ts !== 'number' || !Number.isInteger(ts) || ts < 0)
        return bad(`${p}.ts must be a time in milliseconds, got ${JSON.stringify(e.ts)}`);
      const odd = oddTimestamp(ts, now, `${p}.ts`);
      if (odd) warnings.push(odd);
    }
    const values = checkValues(e.values, `${p}.values`);
    if (!values.ok) return values;
    out.push({ ts, values: values.value });
  }
  return { ok: true, value: out };
}

const isTsValues = (o: Record<string, unknown>) =>
  'values' in o && isObj(o.values) && Object.keys(o).every((k) => k === 'ts' || k === 'values');

const CONTENT_TYPES = ['JSON', 'TEXT', 'BINARY'] as const;

export function checkDownlink(value: unknown): Check<DownlinkResult> {
  const special = specialAt(value);
  if (special) return bad(`The encoder's result is not valid: ${describeSpecial(special, 'the result')}`);
  if (!isObj(value))
    return bad(
      `The encoder must return an object {contentType, data, metadata}, got ${value === undefined ? 'nothing' : kind(value)}`,
    );
  const ct = value.contentType;
  if (ct === undefined)
    return bad('The encoder\'s result is missing contentType: use "JSON", "TEXT" or "BINARY"');
  if (typeof ct !== 'string' || !(CONTENT_TYPES as readonly string[]).includes(ct))
    return bad(`contentType must be "JSON", "TEXT" or "BINARY", got ${JSON.stringify(ct)}`);
  if (value.data === undefined || value.data === null) return bad("The encoder's result is missing data");
  if (typeof value.data !== 'string')
    return bad(`data must be a string (use JSON.stringify for JSON), got ${kind(value.data)}`);
  if (ct === 'BINARY' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value.data.replace(/\s/g, '')))
    return bad('data must be base64 text when contentType is BINARY');
  const metadata: Record<string, string> = {};
  if (value.metadata !== undefined && value.metadata !== null) {
    if (!isObj(value.metadata))
      return bad(`metadata must be an object of strings, got ${kind(value.metadata)}`);
    for (const [k, x] of Object.entries(value.metadata)) {
      if (typeof x === 'string') metadata[k] = x;
      else if (typeof x === 'number' || typeof x === 'boolean') metadata[k] = String(x);
      else return bad(`metadata.${k} must be a string, got ${kind(x)}`);
    }
  }
  return {
    ok: true,
    value: { contentType: ct as DownlinkResult['contentType'], data: value.data, metadata },
  };
}
