/**
 * Uplink batches cross to the worker packed: every argument list of the shape
 * [bytes, {string map}] (a payload and its metadata) becomes one buffer of all payloads, their end
 * offsets, the metadata values all items share, and one NUL-joined string per key that varies (the
 * topic). Structured clone of 1000 small objects cost the server as much as the decoding it was
 * meant to move away; this costs a few copies.
 */
export interface PackedArgs {
  bytes: Uint8Array;
  ends: Uint32Array;
  keys: string[];
  common: Record<string, string>;
  /** key → the values of all items joined by NUL (MQTT topics cannot hold one) */
  columns: Record<string, string>;
}

const MIN_ITEMS = 8;

/** The packed form, or null when the batch is small or not of that shape (then it travels as it is). */
export function packArgs(argsList: unknown[][]): PackedArgs | null {
  const n = argsList.length;
  if (n < MIN_ITEMS) return null;
  const first = argsList[0]![1];
  if (!isStringMap(first)) return null;
  const keys = Object.keys(first);
  let total = 0;
  for (const a of argsList) {
    if (a.length !== 2 || !(a[0] instanceof Uint8Array)) return null;
    const m = a[1];
    if (!isStringMap(m) || Object.keys(m).length !== keys.length) return null;
    total += a[0].byteLength;
  }
  const common: Record<string, string> = {};
  const columns: Record<string, string> = {};
  for (const k of keys) {
    const v0 = (first as Record<string, string>)[k];
    let same = true;
    for (const a of argsList) {
      const v = (a[1] as Record<string, unknown>)[k];
      if (typeof v !== 'string') return null;
      if (v !== v0) same = false;
    }
    if (same) common[k] = v0!;
    else {
      const vals = argsList.map((a) => (a[1] as Record<string, string>)[k]!);
      if (vals.some((v) => v.includes('\u0000'))) return null;
      columns[k] = vals.join('\u0000');
    }
  }
  const bytes = Buffer.allocUnsafe(total);
  const ends = new Uint32Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const p = argsList[i]![0] as Uint8Array;
    bytes.set(p, at);
    at += p.byteLength;
    ends[i] = at;
  }
  return { bytes, ends, keys, common, columns };
}

export function unpackArgs(p: PackedArgs): unknown[][] {
  const n = p.ends.length;
  const cols = Object.entries(p.columns).map(([k, v]) => [k, v.split('\u0000')] as const);
  const out = new Array<unknown[]>(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const m: Record<string, string> = {};
    // keep the caller's key order
    for (const k of p.keys) m[k] = k in p.common ? p.common[k]! : '';
    for (const [k, vals] of cols) m[k] = vals[i]!;
    out[i] = [p.bytes.subarray(start, p.ends[i]), m];
    start = p.ends[i]!;
  }
  return out;
}

function isStringMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
}
