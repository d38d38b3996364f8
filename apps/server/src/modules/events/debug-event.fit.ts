import type { DebugEventBody } from '@bridgeboard/contracts';
import { jsonText } from './debug-event.repository.js';

const cut = (s: string, n: number) => `${s.slice(0, n)}… [cut: ${s.length} characters]`;

/**
 * A debug event body as JSON text of at most `max` characters. A decoder can return (or a device send)
 * megabytes; storing that whole in every event let 20 messages grow debug_event by 134 MB (issue 14).
 * Over the limit, the long fields (objects as their JSON text) are cut to an equal share of the room
 * the short ones leave, each with a note saying how long it was; type, status and error stay whole.
 */
export function fitBody(body: DebugEventBody, max: number): { body: DebugEventBody; text: string } {
  const text = jsonText(body);
  if (text.length <= max) return { body, text };
  const out: Record<string, unknown> = {};
  const long: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    const s = typeof v === 'string' || v === undefined ? v : jsonText(v);
    out[k] = s;
    if (typeof s === 'string' && s.length > 256) long.push(k);
  }
  const rest = jsonText(Object.fromEntries(Object.entries(out).filter(([k]) => !long.includes(k)))).length;
  const share = Math.floor((max - rest) / Math.max(1, long.length)) - 64;
  // a character can cost up to 6 in JSON (\uXXXX): try the plain share, then the worst case
  for (const per of [share, Math.floor(share / 6)]) {
    for (const k of long) out[k] = cut((body[k] === undefined || typeof body[k] === 'string' ? body[k] : jsonText(body[k])) as string, Math.max(0, per));
    const t = jsonText(out);
    if (t.length <= max) return { body: out as DebugEventBody, text: t };
  }
  const stub = { type: body.type, status: body.status, error: `debug event body of ${text.length} characters is larger than the ${max} kept` };
  return { body: stub as DebugEventBody, text: jsonText(stub) };
}
