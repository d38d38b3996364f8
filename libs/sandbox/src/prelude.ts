/**
 * Source run first in every fresh context. It defines, inside the isolate only:
 * - console.* writing into a bounded line buffer (nothing reaches the host console);
 * - the batch runner, which calls the user's function once per argument list and turns each
 *   result into JSON text, replacing what JSON cannot carry (functions, NaN, cycles, promises...)
 *   with {"$bb$": "<what>"} markers so the host can name the bad field;
 * - a syntax check that parses the body as a function body (so it cannot close its wrapper).
 * Everything it needs is captured up front: a script that later replaces JSON or Array.prototype
 * can only break its own context, and the host validates whatever comes back.
 */
export const MARKER = '$bb$';

export function preludeSource(o: { maxResultChars: number; maxConsoleLines: number }): string {
  return `(function (G) {
  var stringify = JSON.stringify, parse = JSON.parse, keys = Object.keys, isArray = Array.isArray;
  var apply = Reflect.apply, FunctionC = Function, StringC = String, isFinite_ = isFinite, defineProperty = Object.defineProperty;
  var MAX_RESULT = ${o.maxResultChars}, MAX_LINES = ${o.maxConsoleLines}, MAX_LINE = 2000, DEPTH = 64;
  var state = { fn: null, args: [], results: [], index: 0, logs: [], dropped: 0, file: '' };

  function show(v) {
    try {
      if (typeof v === 'string') return v;
      if (typeof v === 'object' && v !== null) { var s = stringify(v); return s === undefined ? StringC(v) : s; }
      return StringC(v);
    } catch (e) { try { return StringC(v); } catch (e2) { return '[unprintable]'; } }
  }
  function logger(prefix) {
    return function () {
      if (state.logs.length >= MAX_LINES) { state.dropped++; return; }
      var line = prefix;
      for (var i = 0; i < arguments.length; i++) line += (i ? ' ' : '') + show(arguments[i]);
      if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE) + '...';
      state.logs[state.logs.length] = line;
    };
  }
  defineProperty(G, 'console', { value: { log: logger(''), info: logger(''), debug: logger(''), trace: logger(''), warn: logger('WARN '), error: logger('ERROR ') }, writable: true, configurable: true });
  // Nothing a decoder needs; shared memory and wasm only widen what must be audited.
  delete G.SharedArrayBuffer; delete G.Atomics; delete G.WebAssembly;

  function mark(what) { var m = {}; m['${MARKER}'] = what; return m; }
  function encode(v, seen, depth) {
    switch (typeof v) {
      case 'string': case 'boolean': return v;
      case 'number': return v !== v ? mark('NaN') : isFinite_(v) ? v : mark(v > 0 ? 'Infinity' : '-Infinity');
      case 'undefined': return undefined;
      case 'function': return mark('function');
      case 'symbol': return mark('symbol');
      case 'bigint': return mark('bigint');
    }
    if (v === null) return null;
    if (depth > DEPTH) return mark('too deep');
    for (var s = 0; s < seen.length; s++) if (seen[s] === v) return mark('cycle');
    if (typeof v.then === 'function') return mark('Promise');
    if (typeof v.toJSON === 'function') return encode(v.toJSON(), seen, depth + 1);
    seen[seen.length] = v;
    var out;
    if (isArray(v)) {
      out = [];
      for (var i = 0; i < v.length; i++) { var e = encode(v[i], seen, depth + 1); out[i] = e === undefined ? mark('undefined') : e; }
    } else {
      out = {};
      var ks = keys(v);
      for (var k = 0; k < ks.length; k++) { var x = encode(v[ks[k]], seen, depth + 1); if (x !== undefined) out[ks[k]] = x; }
    }
    seen.length--;
    return out;
  }
  function where(e) {
    if (!state.file) return '';
    try {
      var m = new RegExp(state.file.replace('.', '\\\\.') + ':(\\\\d+):(\\\\d+)').exec(StringC(e.stack));
      return m ? ' (line ' + m[1] + ', column ' + m[2] + ')' : '';
    } catch (x) { return ''; }
  }
  function describe(e) {
    try {
      if (e instanceof Error) return StringC(e.name) + ': ' + StringC(e.message) + where(e);
      return 'Uncaught ' + show(e);
    } catch (x) { return 'The script threw a value that cannot be shown'; }
  }
  function one(i) {
    try {
      var json = stringify({ v: encode(apply(state.fn, undefined, state.args[i]), [], 0) });
      if (json.length > MAX_RESULT) return stringify({ e: 'The result is too large: ' + json.length + ' characters of JSON (limit ' + MAX_RESULT + ')', c: 'RESULT_TOO_LARGE' });
      return json;
    } catch (e) {
      return stringify({ e: describe(e), c: 'SCRIPT_ERROR' });
    }
  }
  function collect(from, to) {
    var logs = state.logs, dropped = state.dropped;
    state.logs = []; state.dropped = 0;
    var r = '';
    for (var i = from; i < to; i++) r += (i > from ? ',' : '') + state.results[i];
    return '{"r":[' + r + '],"logs":' + stringify(logs) + ',"dropped":' + dropped + '}';
  }
  function fix(name, value) { defineProperty(G, name, { value: value, writable: false, configurable: false, enumerable: false }); }
  fix('__bb_run', function (argsJson, from) {
    if (argsJson !== null) { state.args = parse(argsJson); state.results = []; }
    for (var i = from; i < state.args.length; i++) { state.index = i; state.results[i] = one(i); }
    state.index = state.args.length;
    return collect(from, state.args.length);
  });
  fix('__bb_partial', function (from) {
    var done = state.index >= state.args.length;
    return '{"index":' + state.index + ',"done":' + done + ',"rest":' + collect(from, done ? from : state.index) + '}';
  });
  fix('__bb_check', function (params, body) {
    try { new FunctionC(params, body); return ''; } catch (e) { return describe(e); }
  });
  fix('__bb_define', function (fn, file) { if (state.fn === null) { state.fn = fn; state.file = file; } });
})(globalThis);`;
}
