import type { DebugEventBody } from '@bridgeboard/contracts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** How a payload is shown in a debug event: as text (JSON or TEXT) when it is readable UTF-8, else base64 (BINARY). */
export function describeInput(payload: Uint8Array): Pick<DebugEventBody, 'in' | 'inContentType'> {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return { in: Buffer.from(payload).toString('base64'), inContentType: 'BINARY' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text))
    return { in: Buffer.from(payload).toString('base64'), inContentType: 'BINARY' };
  try {
    JSON.parse(text);
    return { in: text, inContentType: 'JSON' };
  } catch {
    return { in: text, inContentType: 'TEXT' };
  }
}

/** The payload back from a stored debug event (base64 for the test tools). */
export function payloadOf(body: DebugEventBody): string {
  if (body.inContentType === 'BINARY') return String(body.in ?? '');
  return Buffer.from(String(body.in ?? ''), 'utf8').toString('base64');
}
