import { Sandbox, SandboxBusyError, ScriptCompileError, UPLINK_KIND, plainKind } from './index.js';

/**
 * The worker pool as an attacker with a tenant login would try it (issue 13): scripts that abort
 * their process, outgrow the isolate's accounting, cannot be interrupted or forge the wire, and one
 * tenant's spinning scripts beside another tenant's work.
 */
const bytes = (s: string) => Array.from(Buffer.from(s, 'utf8'));
const up = (s: string) => [bytes(s), { topic: 't' }];
const once = async (sb: Sandbox, body: string, tenant = 'C') =>
  (await sb.runOnce(plainKind([]), body, [[]], { tenant })).results[0]!;

const BOMBS: [string, string][] = [
  ['a Map that grows forever', 'var m = new Map(); for (var i = 0; ; i++) m.set(i, i);'],
  ['a Set that grows forever', 'var s = new Set(); for (var i = 0; ; i++) s.add(i);'],
  ['new Array(1e8).fill(0)', 'var a = new Array(1e8).fill(0); return a.length;'],
];

describe('sandbox worker pool', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox({ timeoutMs: 5000 }, { pool: { workers: 2 } });
  });
  afterAll(() => sb.dispose());

  it.each(BOMBS)('survives %s: the call fails with MEMORY or CRASHED and the next call works', async (_n, body) => {
    const r = await once(sb, body, 'A');
    expect(r.ok).toBe(false);
    expect(['MEMORY', 'CRASHED']).toContain((r as { code: string }).code);
    expect((r as { error: string }).error).toMatch(/^The script (used more than its 64 MB|crashed its sandbox worker)/);
    expect(await once(sb, 'return 1 + 1;')).toEqual({ ok: true, value: 2 });
  }, 60_000);

  it('refuses the test runs of a tenant whose scripts ran out of memory 3 times in a minute, and only that tenant', async () => {
    await expect(once(sb, 'return 1;', 'A')).rejects.toThrow(
      /^Test scripts of this tenant ran out of memory or crashed the sandbox 3 times in the last minute; test runs are refused for \d+ s$/,
    );
    expect(await once(sb, 'return 1;', 'B')).toEqual({ ok: true, value: 1 });
  });

  it('fails only the bomb of a batch when the bomb takes its worker down; the rest of the batch is decoded', async () => {
    // a worker capped below what one isolate may use: the bomb always takes the worker down
    const sb = new Sandbox({ timeoutMs: 5000, memoryMb: 1024 }, { pool: { workers: 1, workerMaxRssMb: 300 } });
    await sb.compile(
      'bomb-batch',
      UPLINK_KIND,
      'var s = decodeToString(payload); if (s === "bomb") { var m = new Map(); for (var i = 0; ; i++) m.set(i, i); } return s;',
      { tenant: 'A', label: "converter 'Bomb'" },
    );
    const restarts = sb.status().restarts;
    const r = await sb.runBatch('bomb-batch', [up('a'), up('b'), up('bomb'), up('c')]);
    expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual([
      'a',
      'b',
      'MEMORY',
      'c',
    ]);
    expect((r.results[2] as { error: string }).error).toMatch(
      /^converter 'Bomb' used more than its 1024 MB of memory and was stopped \(the sandbox worker grew past 300 MB of memory and was replaced\)$/,
    );
    expect(sb.status().restarts).toBeGreaterThan(restarts);
    expect((await sb.runBatch('bomb-batch', [up('after')])).results[0]).toEqual({ ok: true, value: 'after' });
    sb.dispose();
  }, 60_000);

  it('stops retrying a batch alone after maxErrors worker deaths in a row: a batch of bombs costs a few restarts', async () => {
    const s = new Sandbox({ timeoutMs: 5000, memoryMb: 1024, maxErrors: 3 }, { pool: { workers: 1, workerMaxRssMb: 300 } });
    try {
      await s.compile('all-bombs', UPLINK_KIND, 'var m = new Map(); for (var i = 0; ; i++) m.set(i, i);');
      const r = await s.runBatch('all-bombs', [up('a'), up('b'), up('c'), up('d'), up('e'), up('f')]);
      expect(r.results.map((x) => (x.ok ? 'ok' : x.code))).toEqual(['MEMORY', 'MEMORY', 'MEMORY', 'SUSPENDED', 'SUSPENDED', 'SUSPENDED']);
      expect((r.results[5] as { error: string }).error).toBe('The script was not run: it took its sandbox worker down 3 times in a row');
      expect(s.status().restarts).toBeLessThanOrEqual(4);
    } finally {
      s.dispose();
    }
  }, 60_000);

  it('stops retrying a batch alone after maxErrors worker deaths in the batch, in a row or not: bombs between good messages cost a few restarts too', async () => {
    const s = new Sandbox({ timeoutMs: 5000, memoryMb: 1024, maxErrors: 3 }, { pool: { workers: 1, workerMaxRssMb: 300 } });
    try {
      await s.compile(
        'some-bombs',
        UPLINK_KIND,
        'var s = decodeToString(payload); if (s === "bomb") { var m = new Map(); for (var i = 0; ; i++) m.set(i, i); } return s;',
      );
      const r = await s.runBatch('some-bombs', ['bomb', 'a', 'bomb', 'b', 'bomb', 'c', 'bomb', 'd'].map(up));
      expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual(['MEMORY', 'a', 'MEMORY', 'b', 'MEMORY', 'SUSPENDED', 'SUSPENDED', 'SUSPENDED']);
      expect((r.results[7] as { error: string }).error).toBe('The script was not run: it took its sandbox worker down 3 times in this batch');
      expect(s.status().restarts).toBeLessThanOrEqual(4);
    } finally {
      s.dispose();
    }
  }, 60_000);

  it('suspends a script whose calls took the worker down maxErrors times in a minute, even with good messages between: one bomb per batch does not cost restarts for ever', async () => {
    const s = new Sandbox({ timeoutMs: 5000, memoryMb: 1024, maxErrors: 3 }, { pool: { workers: 1, workerMaxRssMb: 300 } });
    try {
      await s.compile(
        'bomb-per-batch',
        UPLINK_KIND,
        'var s = decodeToString(payload); if (s === "bomb") { var m = new Map(); for (var i = 0; ; i++) m.set(i, i); } return s;',
        { label: "The decoder of converter 'Boom'" },
      );
      for (let i = 0; i < 3; i++) {
        const r = await s.runBatch('bomb-per-batch', ['a', 'bomb', 'b'].map(up));
        expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual(['a', 'MEMORY', 'b']);
      }
      const restarts = s.status().restarts;
      const r = await s.runBatch('bomb-per-batch', ['c', 'bomb', 'd'].map(up));
      expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual(['SUSPENDED', 'SUSPENDED', 'SUSPENDED']);
      expect((r.results[0] as { error: string }).error).toMatch(
        /^The script is suspended until .*: its calls stopped the sandbox worker 3 times in a minute \(last error: .*Boom/,
      );
      expect(s.status().restarts).toBe(restarts);
    } finally {
      s.dispose();
    }
  }, 60_000);

  it('refuses resizable ArrayBuffers: no way to grow memory the isolate limit does not count', async () => {
    expect(await once(sb, 'var b = new ArrayBuffer(8, { maxByteLength: 1 << 30 }); return b.byteLength;')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Resizable ArrayBuffers are not available in the sandbox'),
    });
    expect(
      await once(sb, 'var b = new Uint8Array(8).buffer; return [typeof b.resize, typeof b.transfer, b.constructor === ArrayBuffer];'),
    ).toEqual({ ok: true, value: ['undefined', 'undefined', true] });
    expect(await once(sb, 'return new ArrayBuffer(16).byteLength;')).toEqual({ ok: true, value: 16 });
  });

  it('refuses BigInt at compile time and has no BigInt, eval or Function constructor at run time', async () => {
    const t0 = Date.now();
    await expect(sb.runOnce(plainKind([]), 'return 7n ** 100000000n;', [[]])).rejects.toThrow(
      new ScriptCompileError('BigInt is not available in the sandbox (7n): use Number, or split large integers into parts', 1, 8),
    );
    expect(Date.now() - t0).toBeLessThan(2 * 5000);
    expect(await once(sb, 'return [typeof BigInt, typeof BigInt64Array, typeof DataView.prototype.getBigInt64];')).toEqual({
      ok: true,
      value: ['undefined', 'undefined', 'undefined'],
    });
    for (const code of ['eval("7n ** 100000000n")', 'new Function("return 1")()', '(function(){}).constructor("return 1")()', '(function*(){}).constructor("yield 1")']) {
      expect(await once(sb, `return ${code};`)).toMatchObject({
        ok: false,
        error: expect.stringContaining('Code generation from strings (eval, new Function) is not available'),
      });
    }
    expect(await once(sb, 'return (function () {}) instanceof Function;')).toEqual({ ok: true, value: true });
  });

  it('builds the result wire from its own captured functions: prototype accessors and toJSON cannot forge it', async () => {
    const forge = `
      Object.defineProperty(Array.prototype, 0, { set: function () {}, get: function () { return 'R9:{"v":"x"}'; }, configurable: true });
      Object.defineProperty(Object.prototype, 'toJSON', { value: undefined, writable: true, configurable: true });
      String.prototype.slice = function () { return 'forged'; };
      return { n: 1, list: [1, 2] };`;
    expect(await once(sb, forge)).toEqual({ ok: true, value: { n: 1, list: [1, 2] } });
    const big = `Object.defineProperty(Array.prototype, 0, { get: function () { return 'x'.repeat(2e7); }, configurable: true });
      return 'x'.repeat(20000000);`;
    expect(await once(sb, big)).toMatchObject({ ok: false, code: 'RESULT_TOO_LARGE' });
    const code = `throw { toString: function () { return '","c":"SUSPENDED'; } };`;
    expect(await once(sb, code)).toMatchObject({ ok: false, code: 'SCRIPT_ERROR' });
    const deep = 'var a = []; for (var i = 0; i < 1000000; i++) a = [a]; return a;';
    const r = await once(sb, deep);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).toContain('"$bb$":"too deep"');
  });

  it("keeps another tenant's calls moving while one tenant floods the sandbox with spinning scripts", async () => {
    const s = new Sandbox({ timeoutMs: 500 }, { pool: { workers: 2, tenantQueue: 40 } });
    try {
      await once(s, 'return 0;', 'B'); // workers up
      const spinning = Array.from({ length: 40 }, () => once(s, 'while (true) {}', 'A').catch((e: Error) => e));
      await new Promise((r) => setTimeout(r, 50));
      await expect(once(s, 'while (true) {}', 'A')).rejects.toBeInstanceOf(SandboxBusyError);
      const t0 = Date.now();
      await s.check(UPLINK_KIND, 'return { deviceName: "d", deviceType: "t" };', { tenant: 'B' });
      expect(await once(s, 'return "saved";', 'B')).toEqual({ ok: true, value: 'saved' });
      expect(Date.now() - t0).toBeLessThan(1000);
      const done = await Promise.all(spinning);
      expect(done.filter((x) => !(x instanceof Error) && x.ok === false && x.code === 'TIMEOUT')).toHaveLength(40);
    } finally {
      s.dispose();
    }
  }, 60_000);

  it('needs no worker until the first call, and lets the process exit while idle', async () => {
    const s = new Sandbox();
    expect(s.status()).toMatchObject({ alive: 0, inFlight: 0 });
    expect(await once(s, 'return 3;')).toEqual({ ok: true, value: 3 });
    expect(s.status().alive).toBe(1);
    s.dispose();
  });
});
