export type PayloadFormat = 'JSON' | 'TEXT' | 'HEX' | 'BASE64';

export const bytesToBase64 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
};
export const base64ToBytes = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

/** The test payload as the API wants it (base64), or a sentence saying what is wrong with it. */
export function payloadToBase64(format: PayloadFormat, text: string): { ok: true; base64: string } | { ok: false; error: string } {
  switch (format) {
    case 'JSON':
      try {
        JSON.parse(text);
      } catch (e) {
        return { ok: false, error: `Payload is not valid JSON: ${(e as Error).message}` };
      }
      return { ok: true, base64: bytesToBase64(new TextEncoder().encode(text)) };
    case 'TEXT':
      return { ok: true, base64: bytesToBase64(new TextEncoder().encode(text)) };
    case 'HEX': {
      const hex = text.replace(/\s+/g, '').replace(/^0x/i, '');
      if (hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) return { ok: false, error: 'Payload is not valid hex: use pairs of 0-9 and a-f, e.g. 7b 22 76 22 7d' };
      return { ok: true, base64: bytesToBase64(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16))) };
    }
    case 'BASE64': {
      const b = text.replace(/\s+/g, '');
      try {
        atob(b);
      } catch {
        return { ok: false, error: 'Payload is not valid base64' };
      }
      return { ok: true, base64: b };
    }
  }
}

/** A recent message's content in the most readable format: JSON, else text, else hex. */
export function readablePayload(bytes: Uint8Array): { format: PayloadFormat; text: string } {
  let text: string | null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = null; // not UTF-8: show hex
  }
  const control = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 && !'\t\n\r\f\v'.includes(ch));
  if (text !== null && !control(text)) {
    try {
      JSON.parse(text);
      return { format: 'JSON', text };
    } catch {
      return { format: 'TEXT', text };
    }
  }
  return { format: 'HEX', text: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') };
}

/** The failing line of a script error, from the forms our sandbox and V8 use. */
export function errorLineOf(error: string | undefined | null): number | null {
  if (!error) return null;
  const m =
    /\bline[: ]+(\d+)/i.exec(error) ?? /<(?:anonymous|script|isolated-vm|decoder|encoder)[^>]*>:(\d+)(?::\d+)?/i.exec(error) ?? /\((?:[^()]*?):(\d+):\d+\)/.exec(error) ?? /:(\d+):\d+\b/.exec(error);
  const n = m ? Number(m[1]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}
