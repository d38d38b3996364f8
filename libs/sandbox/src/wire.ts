import type { RunErrorCode } from './errors.js';
import type { RawResult } from './isolate-runner.js';

/** What one isolate call sent back (see prelude.ts for the frame format). */
export interface Wire {
  results: RawResult[];
  logs: string[];
  dropped: number;
  /** __bb_partial only: the item that was running, and whether every item had returned */
  index?: number;
  done?: boolean;
}

/** Deepest nesting the prelude's encoder writes (64 levels of the result plus the frame's own object). */
const MAX_DEPTH = 70;
/** Error codes the isolate may report; anything else is not believed. */
const ISOLATE_CODES = new Set<RunErrorCode>(['SCRIPT_ERROR', 'RESULT_TOO_LARGE']);

/**
 * Reads the isolate's frames. Nothing in them is trusted: each frame's length must fit the text,
 * each result is held to the result limit and the nesting depth again before it is parsed, and
 * the depth is measured with a loop (a recursive check is a stack overflow waiting for 1M brackets).
 */
export function parseWire(text: string, maxResultChars: number): Wire {
  const w: Wire = { results: [], logs: [], dropped: 0 };
  let at = 0;
  if (text.charCodeAt(0) === 80 /* P */) {
    const semi = text.indexOf(';');
    const [index, done] = text.slice(1, semi).split(',');
    w.index = Number(index);
    w.done = done === '1';
    at = semi + 1;
  }
  while (at < text.length) {
    const tag = text[at];
    if (tag === 'D') {
      w.dropped = Number(text.slice(at + 1, text.indexOf(';', at)));
      break;
    }
    const colon = text.indexOf(':', at);
    const len = Number(text.slice(at + 1, colon));
    if ((tag !== 'R' && tag !== 'L') || colon < 0 || !Number.isSafeInteger(len) || len < 0 || colon + 1 + len > text.length)
      throw new Error('The sandbox sent back a malformed result');
    const body = text.slice(colon + 1, colon + 1 + len);
    at = colon + 1 + len;
    if (tag === 'L') w.logs.push(body);
    else w.results.push(readResult(body, maxResultChars));
  }
  return w;
}

function readResult(json: string, maxResultChars: number): RawResult {
  if (json.length > maxResultChars + 64)
    return {
      ok: false,
      error: `The result is too large: ${json.length} characters of JSON (limit ${maxResultChars})`,
      code: 'RESULT_TOO_LARGE',
    };
  if (depthOf(json) > MAX_DEPTH)
    return { ok: false, error: 'The result is nested too deeply', code: 'SCRIPT_ERROR' };
  // the encoder writes {"v":<value>}, {} (undefined) or {"e":…,"c":…}: the value is handed on as text
  if (json.startsWith('{"v":') && json.endsWith('}')) return { ok: true, json: json.slice(5, -1) };
  const r = JSON.parse(json) as { v?: unknown; e?: unknown; c?: unknown };
  if ('e' in r) {
    const code = ISOLATE_CODES.has(r.c as RunErrorCode) ? (r.c as RunErrorCode) : 'SCRIPT_ERROR';
    return { ok: false, error: String(r.e), code };
  }
  return 'v' in r ? { ok: true, json: JSON.stringify(r.v) } : { ok: true };
}

/** Deepest bracket nesting of JSON text, strings skipped. */
export function depthOf(json: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
