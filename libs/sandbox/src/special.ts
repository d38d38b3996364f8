import { MARKER } from './prelude.js';

/** The marker's kind when `v` is one of the sandbox's {"$bb$": "..."} stand-ins, else null. */
export function markerOf(v: unknown): string | null {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const k = Object.keys(v);
    if (k.length === 1 && k[0] === MARKER) return String((v as Record<string, unknown>)[MARKER]);
  }
  return null;
}

/**
 * The first value JSON cannot carry inside `v`, with its path (e.g. "telemetry.temperature"), or null.
 * A loop, not recursion: whatever a script returns cannot overflow the host's stack.
 */
export function specialAt(v: unknown, path = ''): { path: string; what: string } | null {
  const stack: [unknown, string][] = [[v, path]];
  while (stack.length) {
    const [x, at] = stack.pop()!;
    const m = markerOf(x);
    if (m) return { path: at, what: m };
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], `${at}[${i}]`]);
    } else if (x && typeof x === 'object') {
      const entries = Object.entries(x);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, y] = entries[i]!;
        stack.push([y, at ? `${at}.${k}` : k]);
      }
    }
  }
  return null;
}

const WHAT: Record<string, string> = {
  NaN: 'is NaN',
  Infinity: 'is Infinity',
  '-Infinity': 'is -Infinity',
  function: 'is a function',
  symbol: 'is a Symbol',
  bigint: 'is a BigInt',
  cycle: 'refers back to an enclosing object (a cyclic object)',
  Promise: 'is a Promise (scripts must return their result directly, not asynchronously)',
  undefined: 'is undefined',
  'too deep': 'is nested too deeply',
};

/** "telemetry.temperature is NaN" */
export function describeSpecial(s: { path: string; what: string }, root = 'the result'): string {
  return `${s.path || root} ${WHAT[s.what] ?? `cannot be represented as JSON (${s.what})`}`;
}
