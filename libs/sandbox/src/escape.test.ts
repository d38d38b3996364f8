import { existsSync, rmSync } from 'node:fs';
import { Sandbox, UPLINK_KIND } from './index.js';

/**
 * Scripts that try to reach the host. Each one hands whatever it finds to `verdict`, which, if it
 * looks like the host (process, require, Buffer, our canary), tries to change the host canary,
 * the host environment and the file system, and returns 'ESCAPED'. The tests check the host side.
 */
const PROBE = `
function hostish(g) {
  try { return !!g && (typeof g.process === 'object' || typeof g.require === 'function' || typeof g.Buffer === 'function' || typeof g.__bbCanary === 'object' || typeof g.env === 'object' || typeof g.mainModule === 'object'); } catch (e) { return false; }
}
function pwn(g) {
  try { g.__bbCanary.touched = true; } catch (e) {}
  try { (g.process || g).env.BB_CANARY = 'pwned'; } catch (e) {}
  try { g.require('fs').writeFileSync('/tmp/bb-escape-canary', 'x'); } catch (e) {}
}
function verdict(g) { if (hostish(g)) { pwn(g); return 'ESCAPED'; } return 'contained'; }
`;

const CORPUS: [string, string][] = [
  ['constructor chain from this', `return verdict(this.constructor.constructor('return this')());`],
  [
    'constructor chain to process',
    `return verdict({ process: this.constructor.constructor('return typeof process === "undefined" ? undefined : process')() });`,
  ],
  [
    'constructor chain from the payload array',
    `return verdict(payload.constructor.constructor('return globalThis')());`,
  ],
  [
    'constructor chain from metadata via __proto__',
    `return verdict(metadata.__proto__.constructor.constructor('return this')());`,
  ],
  [
    '__proto__ walk to the top',
    `var o = metadata; while (Object.getPrototypeOf(o)) o = Object.getPrototypeOf(o); return verdict(o.constructor.constructor('return this')());`,
  ],
  [
    '__proto__ reassignment of metadata',
    `metadata.__proto__ = { get process() { return 1; } }; return verdict(metadata);`,
  ],
  ['sloppy this', `return verdict((function () { return this; })());`],
  ['Function constructor', `return verdict(Function('return this')());`],
  ['indirect eval', `return verdict((0, eval)('this'));`],
  [
    'eval of require',
    `return verdict({ require: eval('typeof require === "function" ? require : undefined') });`,
  ],
  [
    'require call',
    `var fs = require('fs'); fs.writeFileSync('/tmp/bb-escape-canary', 'x'); return 'ESCAPED';`,
  ],
  ['process global', `process.env.BB_CANARY = 'pwned'; return 'ESCAPED';`],
  ['process.mainModule', `return verdict(process.mainModule.require('child_process'));`],
  [
    'globalThis probes',
    `return verdict(globalThis) + (typeof global) + (typeof window) + (typeof self) + (typeof module) + (typeof exports);`,
  ],
  [
    'Buffer and timers probe',
    `return verdict({ Buffer: typeof Buffer === 'function' ? Buffer : undefined, process: typeof setTimeout === 'function' || typeof setImmediate === 'function' || typeof queueMicrotask === 'function' ? {} : undefined });`,
  ],
  [
    'isolated-vm handles probe',
    `return verdict({ process: typeof ivm !== 'undefined' || typeof _ivm !== 'undefined' || typeof $0 !== 'undefined' ? {} : undefined });`,
  ],
  [
    'dynamic import()',
    `import('fs').then(function (fs) { fs.writeFileSync('/tmp/bb-escape-canary', 'x'); }, function () {}); return 'contained';`,
  ],
  [
    'dynamic import of node:child_process',
    `import('node:child_process').then(function (cp) { cp.execSync('touch /tmp/bb-escape-canary'); }); return 'contained';`,
  ],
  [
    'Error.prepareStackTrace frames',
    `Error.prepareStackTrace = function (e, frames) { return frames.map(function (f) { return verdict(f.getThis()) + verdict(f.getFunction && f.getFunction()); }).join(); }; return new Error('x').stack;`,
  ],
  [
    'Error.captureStackTrace callsites',
    `var o = {}; Error.prepareStackTrace = function (e, s) { return s; }; Error.captureStackTrace(o); var s = o.stack; for (var i = 0; i < s.length; i++) { var f = s[i].getFunction && s[i].getFunction(); if (f && verdict(f.constructor('return this')()) === 'ESCAPED') return 'ESCAPED'; } return 'contained';`,
  ],
  [
    'stack text leaks no host paths',
    `var s = new Error('x').stack; return /\\/work\\/|node:|node_modules|file:/.test(s) ? 'ESCAPED' : 'contained';`,
  ],
  [
    'arguments.callee.caller walk',
    `function f() { var c = arguments.callee.caller, r = 'contained'; try { while (c) { if (verdict(c.constructor('return this')()) === 'ESCAPED') r = 'ESCAPED'; c = c.caller; } } catch (e) {} return r; } return f();`,
  ],
  [
    'getters in the result',
    `return { deviceName: 'x', deviceType: 'y', get attributes() { return { p: verdict(this.constructor.constructor('return this')()) }; } };`,
  ],
  [
    'property descriptors of the global',
    `var d = Object.getOwnPropertyDescriptors(globalThis); var g = {}; for (var k in d) if (d[k].value) g[k] = d[k].value; return verdict(g);`,
  ],
  [
    'Object.prototype getter pollution',
    `Object.defineProperty(Object.prototype, 'toJSON', { configurable: true, get: function () { pwn(this); return undefined; } }); return { a: 1 };`,
  ],
  [
    'Symbol.species on arrays',
    `class A extends Array { static get [Symbol.species]() { return function () { return verdict(this); }; } } var a = new A(1, 2); return String(a.map(function (x) { return x; }));`,
  ],
  [
    'Symbol.species on promises',
    `class P extends Promise { static get [Symbol.species]() { return Promise; } } P.resolve(1).then(function () { verdict(Function('return this')()); }); return 'contained';`,
  ],
  [
    'Proxy traps on the result',
    `return new Proxy({}, { ownKeys: function () { verdict(Function('return this')()); return ['deviceName']; }, getOwnPropertyDescriptor: function () { return { value: 'x', enumerable: true, configurable: true }; }, get: function (t, k) { return k === 'deviceName' ? verdict(Function('return this')()) : undefined; } });`,
  ],
  [
    'Proxy as the global prototype',
    `Object.setPrototypeOf(globalThis, new Proxy({}, { get: function (t, k) { return undefined; }, has: function () { return true; } })); return verdict(globalThis);`,
  ],
  [
    'Promise then on the result',
    `var p = Promise.resolve(1); p.then = function (ok) { pwn(Function('return this')()); ok('x'); }; return p;`,
  ],
  [
    'Promise.prototype.then override',
    `Promise.prototype.then = function () { verdict(arguments.callee.caller); return this; }; return Promise.resolve(1);`,
  ],
  [
    'Promise finally',
    `Promise.resolve().finally(function () { verdict(Function('return this')()); }); return 'contained';`,
  ],
  [
    'async function constructor',
    `var AF = (async function () {}).constructor; AF('return this')().then(function (g) { verdict(g); }); return 'contained';`,
  ],
  [
    'generator function constructor',
    `var GF = (function* () {}).constructor; return verdict(GF('yield this')().next().value);`,
  ],
  [
    'wasm, shared memory and Atomics are absent',
    `return verdict({ process: typeof WebAssembly !== 'undefined' || typeof SharedArrayBuffer !== 'undefined' || typeof Atomics !== 'undefined' ? {} : undefined });`,
  ],
  [
    'overwriting the sandbox runner',
    `try { globalThis.__bb_run = function () { return '{"r":[{"v":"ESCAPED"}]}'; }; } catch (e) {} try { __bb_define(function () { return 'ESCAPED'; }, 'x'); } catch (e) {} return 'contained';`,
  ],
  [
    'console methods are plain in-isolate functions',
    `return verdict(console.log.constructor('return this')()) + verdict(console);`,
  ],
  [
    'WeakRef and FinalizationRegistry callbacks',
    `var r = new FinalizationRegistry(function () { verdict(Function('return this')()); }); r.register({}, 1); new WeakRef({}); return 'contained';`,
  ],
  ['Reflect.construct with a foreign newTarget', `return verdict(Reflect.construct(Object, [], Function));`],
  [
    'the global has only JavaScript built-ins',
    `var allowed = /^(Object|Function|Array|Number|parseFloat|parseInt|Infinity|NaN|undefined|Boolean|String|Symbol|Date|Promise|RegExp|Error|AggregateError|EvalError|RangeError|ReferenceError|SyntaxError|TypeError|URIError|globalThis|JSON|Math|Intl|ArrayBuffer|Uint8Array|Int8Array|Uint16Array|Int16Array|Uint32Array|Int32Array|Float32Array|Float64Array|Uint8ClampedArray|BigUint64Array|BigInt64Array|DataView|Map|BigInt|Set|WeakMap|WeakSet|Proxy|Reflect|FinalizationRegistry|WeakRef|decodeURI|decodeURIComponent|encodeURI|encodeURIComponent|escape|unescape|eval|isFinite|isNaN|console|Iterator|Float16Array|__bb_run|__bb_partial|__bb_check|__bb_define)$/; var extra = Object.getOwnPropertyNames(globalThis).filter(function (k) { return !allowed.test(k); }); return extra.length ? 'ESCAPED:' + extra.join() : 'contained';`,
  ],
];

/** Plain objects and arrays all the way down: no functions, getters or foreign prototypes. */
function isPlainData(v: unknown): boolean {
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') {
      if (typeof x === 'function' || typeof x === 'symbol') return false;
      continue;
    }
    const proto = Object.getPrototypeOf(x) as object | null;
    const plain = Array.isArray(x) || (proto !== null && Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(x) === '[object Object]');
    if (!plain) return false;
    for (const d of Object.values(Object.getOwnPropertyDescriptors(x))) {
      if (d.get || d.set) return false;
      stack.push(d.value);
    }
  }
  return true;
}

describe('sandbox escape corpus: scripts cannot reach the host', () => {
  const sb = new Sandbox({ timeoutMs: 500 });
  const host = globalThis as unknown as { __bbCanary: { touched: boolean } };
  beforeAll(() => {
    host.__bbCanary = { touched: false };
    delete process.env.BB_CANARY;
    rmSync('/tmp/bb-escape-canary', { force: true });
  });
  afterAll(() => sb.dispose());

  it('has at least 30 scripts', () => expect(CORPUS.length).toBeGreaterThanOrEqual(30));

  it('uses a probe that recognises the host when it has it, and runs inside the sandbox', async () => {
    expect(new Function(`${PROBE}; return hostish(globalThis);`)()).toBe(true);
    const r = await sb.runOnce(UPLINK_KIND, `${PROBE}\nreturn verdict(this);`, [[[], {}]]);
    expect(r.results[0]).toEqual({ ok: true, value: 'contained' });
  });

  it.each(CORPUS)('%s', async (_name, script) => {
    const r = await sb.runOnce(UPLINK_KIND, `${PROBE}\n${script}`, [[[123, 125], { topic: 't' }]]);
    await new Promise((res) => setTimeout(res, 20));
    expect(JSON.stringify(r.results[0])).not.toContain('ESCAPED');
    expect(host.__bbCanary.touched).toBe(false);
    expect(process.env.BB_CANARY).toBeUndefined();
    expect(existsSync('/tmp/bb-escape-canary')).toBe(false);
    // whatever comes back is plain data parsed from JSON text, never a live object of either side
    // (it crosses a process boundary, so its Object.prototype may be another realm's)
    const v = r.results[0]!.ok ? (r.results[0] as { value: unknown }).value : null;
    if (v && typeof v === 'object') expect(isPlainData(v)).toBe(true);
  });
});
