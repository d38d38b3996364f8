/** What differs between two converter outputs, key by key: what a replay or a test on the archive would change. */
export interface OutputChange {
  /** e.g. `telemetry[0].values.temperature` */
  path: string;
  /** JSON text; absent when the key is not there */
  before?: string;
  after?: string;
}

function flatten(v: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (v !== null && typeof v === 'object') {
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [`${path}[${i}]`, x]) : Object.entries(v).map(([k, x]) => [path ? `${path}.${k}` : k, x]);
    if (!entries.length) out.set(path || '(all)', Array.isArray(v) ? '[]' : '{}');
    for (const [p, x] of entries) flatten(x, p, out);
  } else if (v !== undefined) out.set(path || '(all)', JSON.stringify(v));
  return out;
}

/** A decoder's result for one device is often an array of one: compared without the `[0]`. */
const unwrap = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);

/** The keys whose value differs between `before` and `after`, in the order they appear (before's keys first). */
export function outputChanges(before: unknown, after: unknown): OutputChange[] {
  const a = flatten(unwrap(before), '', new Map());
  const b = flatten(unwrap(after), '', new Map());
  const changes: OutputChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path);
    const y = b.get(path);
    if (x !== y) changes.push({ path, ...(x !== undefined && { before: x }), ...(y !== undefined && { after: y }) });
  }
  return changes;
}
