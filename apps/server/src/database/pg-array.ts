/**
 * Array parameters for the batched writes (`unnest($1::uuid[], …)`), built as Postgres array
 * literals in one pass. node-postgres turns a JS array into the same text element by element
 * (prepareValue, then an escape per element); on the ingest path that was ~8% of the server's CPU.
 *
 * - `plain`: elements whose text needs no quoting (numbers, booleans, uuids, decimal strings).
 * - `quoted`: any text (keys, topics, JSON); `"` and `\` escaped, so any string round-trips.
 * A column whose elements are all null is sent as `{}`: unnest pads the shorter arrays with nulls,
 * so Postgres reads nothing for it. Callers that need the array's own length must not use that.
 */
export type PgArrayKind = 'plain' | 'quoted';

const ESCAPE = /["\\]/g;

export function pgArray(values: readonly unknown[], kind: PgArrayKind): string {
  let out = '';
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    any = true;
    if (kind === 'plain') out += String(v);
    else {
      const s = String(v);
      out += '"' + (s.includes('"') || s.includes('\\') ? s.replace(ESCAPE, '\\$&') : s) + '"';
    }
  }
  return any ? '{' + out + '}' : '{}';
}

/**
 * Many byte strings as one binary parameter with each one's 1-based offset and length (node-postgres
 * sends a Buffer in binary format: no hex text to build in Node or to parse in Postgres). SQL takes
 * element i back with `substring($blob FROM offset FOR length)`.
 */
export function packBytes(items: readonly Uint8Array[]): { blob: Buffer; offsets: number[]; lengths: number[] } {
  const offsets: number[] = new Array(items.length);
  const lengths: number[] = new Array(items.length);
  let at = 1;
  for (let i = 0; i < items.length; i++) {
    offsets[i] = at;
    lengths[i] = items[i]!.length;
    at += lengths[i]!;
  }
  return { blob: Buffer.concat(items as Uint8Array[]), offsets, lengths };
}
