/**
 * Source run first in every fresh context. It defines, inside the isolate only:
 * - console.* writing into a bounded line buffer (nothing reaches the host console);
 * - the batch runner, which calls the user's function once per argument list and writes each
 *   result straight to JSON text, replacing what JSON cannot carry (functions, NaN, cycles,
 *   promises...) with {"$bb$": "<what>"} markers so the host can name the bad field;
 * - a syntax check that parses the body as a function body (so it cannot close its wrapper);
 * - the removal of what would let a script outrun its limits or build code the checks never saw:
 *   eval and the Function constructors, BigInt (one BigInt operation cannot be interrupted),
 *   resizable ArrayBuffers (their growth is not counted by the isolate's memory limit),
 *   SharedArrayBuffer, Atomics and WebAssembly.
 *
 * The wire is built only from functions captured before user code runs, and never by writing
 * into an object a script can reach (a setter on Array.prototype[0] or Object.prototype.toJSON
 * cannot change it): every result and console line is a length-prefixed frame of JSON text,
 * `R<len>:<json>` / `L<len>:<line>`, followed by `D<dropped lines>;`. The host checks the
 * frames and their sizes again.
 */
export const MARKER = '$bb$';

export function preludeSource(o: { maxResultChars: number; maxConsoleLines: number }): string {
  return `(function (G) {
  var stringify = JSON.stringify, parse = JSON.parse, keys = Object.keys, isArray = Array.isArray;
  var apply = Reflect.apply, FunctionC = Function, StringC = String, isFinite_ = isFinite, defineProperty = Object.defineProperty;
  var getPrototypeOf = Object.getPrototypeOf, RegExpC = RegExp, ErrorC = Error, EvalErrorC = EvalError, TypeErrorC = TypeError;
  var slice = StringC.prototype.slice, replace = StringC.prototype.replace, exec = RegExpC.prototype.exec;
  var MAX_RESULT = ${o.maxResultChars}, MAX_LINES = ${o.maxConsoleLines}, MAX_LINE = 2000, MAX_ERROR = 4000, DEPTH = 64;
  var TOO_LARGE = {};
  var state = { fn: null, args: null, out: '', index: 0, logs: '', lines: 0, dropped: 0, file: '' };

  function cut(s, n) { return s.length > n ? apply(slice, s, [0, n]) + '...' : s; }
  function show(v) {
    try {
      if (typeof v === 'string') return v;
      if (typeof v === 'object' && v !== null) { var s = stringify(v); return s === undefined ? StringC(v) : s; }
      return StringC(v);
    } catch (e) { try { return StringC(v); } catch (e2) { return '[unprintable]'; } }
  }
  function logger(prefix) {
    return function () {
      if (state.lines >= MAX_LINES) { state.dropped++; return; }
      var line = prefix;
      for (var i = 0; i < arguments.length && line.length <= MAX_LINE; i++) line += (i ? ' ' : '') + show(arguments[i]);
      line = cut(StringC(line), MAX_LINE);
      state.lines++;
      state.logs += 'L' + line.length + ':' + line;
    };
  }
  defineProperty(G, 'console', { value: { log: logger(''), info: logger(''), debug: logger(''), trace: logger(''), warn: logger('WARN '), error: logger('ERROR ') }, writable: true, configurable: true });

  // Nothing a decoder needs; each only widens what must be audited or escapes a limit.
  delete G.SharedArrayBuffer; delete G.Atomics; delete G.WebAssembly;
  delete G.BigInt; delete G.BigInt64Array; delete G.BigUint64Array;
  var DV = G.DataView && G.DataView.prototype;
  if (DV) { delete DV.getBigInt64; delete DV.getBigUint64; delete DV.setBigInt64; delete DV.setBigUint64; }
  var AB = G.ArrayBuffer;
  var ABP = AB.prototype;
  delete ABP.resize; delete ABP.transfer; delete ABP.transferToFixedLength;
  function FixedArrayBuffer(length, options) {
    if (options !== undefined && options !== null && typeof options === 'object' && 'maxByteLength' in options)
      throw new TypeErrorC('Resizable ArrayBuffers are not available in the sandbox');
    if (new.target === undefined) throw new TypeErrorC("Constructor ArrayBuffer requires 'new'");
    return new AB(length);
  }
  FixedArrayBuffer.prototype = ABP;
  FixedArrayBuffer.isView = AB.isView;
  defineProperty(ABP, 'constructor', { value: FixedArrayBuffer, writable: true, configurable: true });
  defineProperty(G, 'ArrayBuffer', { value: FixedArrayBuffer, writable: true, configurable: true });
  // Code from strings: eval and every Function constructor (plain, generator, async, async generator).
  function blocked() { throw new EvalErrorC('Code generation from strings (eval, new Function) is not available in the sandbox'); }
  var protos = [FunctionC.prototype];
  try { protos.push(getPrototypeOf(FunctionC('return function* () {}')())); } catch (e) {}
  try { protos.push(getPrototypeOf(FunctionC('return async function () {}')())); } catch (e) {}
  try { protos.push(getPrototypeOf(FunctionC('return async function* () {}')())); } catch (e) {}
  for (var p = 0; p < protos.length; p++) defineProperty(protos[p], 'constructor', { value: blocked, writable: false, configurable: false });
  blocked.prototype = FunctionC.prototype;
  defineProperty(G, 'Function', { value: blocked, writable: true, configurable: true });
  defineProperty(G, 'eval', { value: blocked, writable: true, configurable: true });

  var MARKS = {};
  function mark(what) { return '{"${MARKER}":' + stringify(what) + '}'; }
  // state of one encode: size so far, ancestors (a linked list of literals: no writes a script can intercept)
  var enc = { size: 0 };
  function add(s) { enc.size += s.length; if (enc.size > MAX_RESULT) throw TOO_LARGE; return s; }
  function encode(v, seen, depth) {
    switch (typeof v) {
      case 'string': return add(stringify(v));
      case 'boolean': return add(v ? 'true' : 'false');
      case 'number': return add(v !== v ? mark('NaN') : isFinite_(v) ? '' + v : mark(v > 0 ? 'Infinity' : '-Infinity'));
      case 'undefined': return undefined;
      case 'function': return add(mark('function'));
      case 'symbol': return add(mark('symbol'));
      case 'bigint': return add(mark('bigint'));
    }
    if (v === null) return add('null');
    if (depth > DEPTH) return add(mark('too deep'));
    for (var s = seen; s !== null; s = s.up) if (s.v === v) return add(mark('cycle'));
    if (typeof v.then === 'function') return add(mark('Promise'));
    if (typeof v.toJSON === 'function') return encode(v.toJSON(), seen, depth + 1);
    var here = { v: v, up: seen };
    var out, e;
    if (isArray(v)) {
      out = add('[');
      for (var i = 0, n = v.length; i < n; i++) {
        e = encode(v[i], here, depth + 1);
        out += (i ? add(',') : '') + (e === undefined ? add(mark('undefined')) : e);
      }
      return out + add(']');
    }
    out = add('{');
    var ks = keys(v), first = true;
    for (var k = 0; k < ks.length; k++) {
      e = encode(v[ks[k]], here, depth + 1);
      if (e === undefined) continue;
      out += (first ? '' : add(',')) + add(stringify(StringC(ks[k]))) + add(':') + e;
      first = false;
    }
    return out + add('}');
  }
  function where(e) {
    if (!state.file) return '';
    try {
      var m = apply(exec, new RegExpC(apply(replace, state.file, ['.', '\\\\.']) + ':(\\\\d+):(\\\\d+)'), [StringC(e.stack)]);
      return m ? ' (line ' + m[1] + ', column ' + m[2] + ')' : '';
    } catch (x) { return ''; }
  }
  function describe(e) {
    try {
      var text = e instanceof ErrorC ? StringC(e.name) + ': ' + StringC(e.message) + where(e) : 'Uncaught ' + show(e);
      return cut(StringC(text), MAX_ERROR);
    } catch (x) { return 'The script threw a value that cannot be shown'; }
  }
  function frame(json) { return 'R' + json.length + ':' + json; }
  function one(i) {
    var result;
    try {
      result = apply(state.fn, undefined, state.args[i]);
    } catch (e) {
      return frame('{"e":' + stringify(describe(e)) + ',"c":"SCRIPT_ERROR"}');
    }
    enc.size = 5;
    try {
      var body = encode(result, null, 0);
      return frame(body === undefined ? '{}' : '{"v":' + body + '}');
    } catch (e) {
      if (e === TOO_LARGE) return frame('{"e":"The result is too large: more than ' + MAX_RESULT + ' characters of JSON (limit ' + MAX_RESULT + ')","c":"RESULT_TOO_LARGE"}');
      return frame('{"e":' + stringify(describe(e)) + ',"c":"SCRIPT_ERROR"}');
    }
  }
  function collect() {
    var r = state.out + state.logs + 'D' + state.dropped + ';';
    state.out = ''; state.logs = ''; state.lines = 0; state.dropped = 0;
    return r;
  }
  function fix(name, value) { defineProperty(G, name, { value: value, writable: false, configurable: false, enumerable: false }); }
  // payload bytes arrive as latin1 strings (cheap to carry); each becomes the array of numbers scripts expect
  function bytes(s) { var n = s.length, a = new Array(n); for (var j = 0; j < n; j++) a[j] = s.charCodeAt(j) & 255; return a; }
  fix('__bb_run', function (argsJson, from, bytesJson) {
    if (argsJson !== null) {
      state.args = parse(argsJson);
      if (bytesJson) {
        var at = parse(bytesJson);
        for (var i = 0; i < at.length; i++) {
          var list = at[i];
          if (list) for (var k = 0; k < list.length; k++) state.args[i][list[k]] = bytes(state.args[i][list[k]]);
        }
      }
    }
    state.out = '';
    for (var i = from; i < state.args.length; i++) { state.index = i; state.out += one(i); }
    state.index = state.args.length;
    return collect();
  });
  fix('__bb_partial', function (from) {
    var done = state.index >= state.args.length;
    if (done) state.out = '';
    return 'P' + state.index + ',' + (done ? 1 : 0) + ';' + collect();
  });
  fix('__bb_check', function (params, body) {
    try { new FunctionC(params, body); return ''; } catch (e) { return describe(e); }
  });
  fix('__bb_define', function (fn, file) { if (state.fn === null) { state.fn = fn; state.file = file; } });
})(globalThis);`;
}
