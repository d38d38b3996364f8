/**
 * A kind of script: its parameter names, the file name shown in errors and the built-in helpers
 * visible to it. The built-ins sit in a scope around the user's function body, so a function the
 * script declares with the same name shadows them.
 */
export interface ScriptKind {
  name: string;
  params: readonly string[];
  filename: string;
  /** Source of function declarations available to the script. */
  builtins: string;
}

const UTF8 = `
function decodeToString(payload) {
  var out = '', chunk = [], i = 0, n = payload.length;
  function push(c) {
    if (c > 0xffff) { c -= 0x10000; chunk.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff)); } else chunk.push(c);
    if (chunk.length >= 4096) { out += String.fromCharCode.apply(null, chunk); chunk = []; }
  }
  function cont(k) { var b = payload[i + k]; return (b & 0xc0) === 0x80 ? b & 0x3f : -1; }
  while (i < n) {
    var b = payload[i] & 0xff, c1, c2, c3, c;
    if (b < 0x80) { push(b); i += 1; }
    else if (b >= 0xc2 && b < 0xe0 && (c1 = cont(1)) >= 0) { push(((b & 0x1f) << 6) | c1); i += 2; }
    else if (b >= 0xe0 && b < 0xf0 && (c1 = cont(1)) >= 0 && (c2 = cont(2)) >= 0 &&
      (c = ((b & 0x0f) << 12) | (c1 << 6) | c2) >= 0x800 && (c < 0xd800 || c > 0xdfff)) { push(c); i += 3; }
    else if (b >= 0xf0 && b < 0xf5 && (c1 = cont(1)) >= 0 && (c2 = cont(2)) >= 0 && (c3 = cont(3)) >= 0 &&
      (c = ((b & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3) >= 0x10000 && c <= 0x10ffff) { push(c); i += 4; }
    else { push(0xfffd); i += 1; }
  }
  return out + String.fromCharCode.apply(null, chunk);
}
function decodeToJson(payload) { return JSON.parse(decodeToString(payload)); }
`;

/** Uplink decoder: `payload` (byte values 0..255) and `metadata` (string map). */
export const UPLINK_KIND: ScriptKind = {
  name: 'uplink',
  params: ['payload', 'metadata'],
  filename: 'decoder.js',
  builtins: UTF8,
};

/** Downlink encoder: `msg`, `metadata`, `msgType`, `integrationMetadata`. */
export const DOWNLINK_KIND: ScriptKind = {
  name: 'downlink',
  params: ['msg', 'metadata', 'msgType', 'integrationMetadata'],
  filename: 'encoder.js',
  builtins: '',
};

/** A plain function body with the given parameters and no built-ins. */
export const plainKind = (params: string[], name = 'plain'): ScriptKind => ({
  name,
  params,
  filename: 'script.js',
  builtins: '',
});
