import {
  Sandbox,
  ScriptCompileError,
  UPLINK_KIND,
  DOWNLINK_KIND,
  plainKind,
  specialAt,
  describeSpecial,
} from './index.js';

const bytes = (s: string) => Array.from(Buffer.from(s, 'utf8'));
const up = (s: string, metadata: Record<string, string> = { topic: 't' }) => [bytes(s), metadata];

describe('Sandbox', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = new Sandbox({ timeoutMs: 300 });
  });
  afterEach(() => sb.dispose());

  describe('running scripts', () => {
    it('runs a batch in one call with results in input order', async () => {
      await sb.compile(
        'c1',
        UPLINK_KIND,
        'return { deviceName: decodeToString(payload), deviceType: metadata.topic };',
      );
      const r = await sb.runBatch('c1', [up('a'), up('b', { topic: 'x' }), up('c')]);
      expect(r.results.map((x) => (x.ok ? x.value : x.error))).toEqual([
        { deviceName: 'a', deviceType: 't' },
        { deviceName: 'b', deviceType: 'x' },
        { deviceName: 'c', deviceType: 't' },
      ]);
    });

    it('decodes UTF-8 properly with the built-in decodeToString and parses JSON with decodeToJson', async () => {
      const r = await sb.runOnce(UPLINK_KIND, 'return [decodeToString(payload), decodeToJson(payload).v];', [
        up('{"v":"héllo € 𝄞 Привет"}'),
      ]);
      expect(r.results[0]).toEqual({ ok: true, value: ['{"v":"héllo € 𝄞 Привет"}', 'héllo € 𝄞 Привет'] });
      const bad = await sb.runOnce(UPLINK_KIND, 'return decodeToString(payload);', [
        [[0x61, 0xff, 0xc3], {}],
      ]);
      expect(bad.results[0]).toEqual({ ok: true, value: 'a\ufffd\ufffd' });
    });

    it("lets a script's own helper declared after return shadow the built-in of the same name", async () => {
      const body =
        'return decodeToString(payload) + helper();\nfunction decodeToString(p) { return "own:" + p.length; }\nfunction helper() { return "!"; }';
      const r = await sb.runOnce(UPLINK_KIND, body, [up('abc')]);
      expect(r.results[0]).toEqual({ ok: true, value: 'own:3!' });
    });

    it('returns console.log lines of a run, at most 100', async () => {
      const r = await sb.runOnce(
        UPLINK_KIND,
        'console.log("n", 1, {a: 1}); console.warn("w"); for (var i = 0; i < 500; i++) console.log(i); return 1;',
        [up('')],
      );
      expect(r.consoleLines.slice(0, 3)).toEqual(['n 1 {"a":1}', 'WARN w', '0']);
      expect(r.consoleLines).toHaveLength(100);
    });

    it('runs a downlink encoder with its four inputs', async () => {
      const r = await sb.runOnce(
        DOWNLINK_KIND,
        'return [msg.method, metadata.deviceName, msgType, integrationMetadata.k];',
        [[{ method: 'setValue' }, { deviceName: 'SN-001' }, 'RPC_CALL_FROM_SERVER_TO_DEVICE', { k: 'v' }]],
      );
      expect(r.results[0]).toEqual({
        ok: true,
        value: ['setValue', 'SN-001', 'RPC_CALL_FROM_SERVER_TO_DEVICE', 'v'],
      });
    });

    it('reports a thrown error with its line and column', async () => {
      const r = await sb.runOnce(UPLINK_KIND, 'var x = 1;\n  null.foo;', [up('')]);
      expect(r.results[0]).toMatchObject({
        ok: false,
        code: 'SCRIPT_ERROR',
        error: expect.stringMatching(/^TypeError: .*null.*\(line 2, column 8\)$/),
      });
    });

    it('marks values JSON cannot carry so the host can name the field', async () => {
      const r = await sb.runOnce(
        UPLINK_KIND,
        'var o = {a: NaN, b: [1, function(){}], p: Promise.resolve(1)}; o.c = {self: o}; return o;',
        [up('')],
      );
      const v = (r.results[0] as { value: unknown }).value;
      expect(describeSpecial(specialAt(v)!)).toBe('a is NaN');
      expect(specialAt((v as Record<string, unknown>).b, 'b')).toEqual({ path: 'b[1]', what: 'function' });
      expect(specialAt((v as Record<string, unknown>).p, 'p')).toEqual({ path: 'p', what: 'Promise' });
      expect(specialAt((v as Record<string, unknown>).c, 'c')).toEqual({ path: 'c.self', what: 'cycle' });
    });

    it('keeps converters apart: each key has its own global', async () => {
      await sb.compile(
        'a',
        plainKind([]),
        'globalThis.shared = (globalThis.shared || 0) + 1; return globalThis.shared;',
      );
      await sb.compile('b', plainKind([]), 'return typeof globalThis.shared;');
      await sb.runBatch('a', [[], []]);
      expect((await sb.runBatch('b', [[]])).results[0]).toEqual({ ok: true, value: 'undefined' });
    });

    it('compiles a script version once and replaces it when the body changes', async () => {
      await sb.compile('k', plainKind([]), 'globalThis.n = (globalThis.n || 0) + 1; return n;');
      await sb.runBatch('k', [[]]);
      await sb.compile('k', plainKind([]), 'globalThis.n = (globalThis.n || 0) + 1; return n;');
      expect((await sb.runBatch('k', [[]])).results[0]).toEqual({ ok: true, value: 2 });
      await sb.compile('k', plainKind([]), 'return "v2";');
      expect((await sb.runBatch('k', [[]])).results[0]).toEqual({ ok: true, value: 'v2' });
    });
  });

  describe('compiling', () => {
    it('refuses a syntax error with its line and column in the user script', async () => {
      const e = await sb.compile('x', UPLINK_KIND, 'var a = 1;\nvar b = ;').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ScriptCompileError);
      expect(e).toMatchObject({
        line: 2,
        column: 9,
        message: "SyntaxError: Unexpected token ';' (line 2, column 9)",
      });
    });

    it('refuses a body that tries to close its wrapper function', async () => {
      const e = await sb
        .check(UPLINK_KIND, 'return 1;\n}, "x"); globalThis.hacked = 1; __bb_define(function () {')
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ScriptCompileError);
    });

    it('refuses an oversized script', async () => {
      const small = new Sandbox({ maxScriptBytes: 1024 });
      const e = await small.check(UPLINK_KIND, `return 1; // ${'x'.repeat(2000)}`).catch((x: unknown) => x);
      expect(String((e as Error).message)).toMatch(/The script is too large: \d+ bytes \(limit 1024\)/);
    });
  });

  describe('denial of service', () => {
    const once = async (body: string, s = sb) => (await s.runOnce(plainKind([]), body, [[]])).results[0]!;

    it('stops while(true){} with a timeout error', async () => {
      expect(await once('while (true) {}')).toMatchObject({
        ok: false,
        code: 'TIMEOUT',
        error: 'The script ran longer than 300 ms and was stopped',
      });
    });
    it('stops an endless microtask loop', async () => {
      const r = await once(
        'Promise.resolve().then(function f() { return Promise.resolve().then(f); }); return 1;',
      );
      expect(r).toMatchObject({
        ok: false,
        code: 'TIMEOUT',
        error: expect.stringContaining('endless promise callbacks'),
      });
    });
    it('fails only the script whose promise callbacks never end within a batch', async () => {
      await sb.compile(
        'mt',
        plainKind(['x']),
        'if (x) Promise.resolve().then(function f() { return Promise.resolve().then(f); }); return x;',
      );
      const r = await sb.runBatch('mt', [[0], [1], [0]]);
      expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual([0, 'TIMEOUT', 0]);
    });
    it('stops a memory bomb at the memory limit', async () => {
      const r = await once(
        'var a = []; for (;;) a.push(new Array(100000).fill(1.5));',
        new Sandbox({ timeoutMs: 5000, memoryMb: 32 }),
      );
      expect(r).toMatchObject({
        ok: false,
        code: 'MEMORY',
        error: 'The script used more than its 32 MB of memory and was stopped',
      });
    });
    it('stops a huge string', async () => {
      const r = await once(
        'var s = "x"; for (;;) s += s; return s.length;',
        new Sandbox({ timeoutMs: 5000 }),
      );
      expect(r.ok).toBe(false);
      expect((r as { error: string }).error).toMatch(/Invalid string length|memory/);
    });
    it('stops deep recursion', async () => {
      expect(await once('function f(n) { return f(n + 1) + 1; } return f(0);')).toMatchObject({
        ok: false,
        error: expect.stringContaining('Maximum call stack size exceeded'),
      });
    });
    it('stops a catastrophic regex backtrack over 1 MB', async () => {
      const r = await once('return /(a+)+$/.test("a".repeat(1 << 20) + "b");');
      expect(r).toMatchObject({ ok: false, code: 'TIMEOUT' });
    });
    it('refuses an oversized result', async () => {
      const r = await once('return "x".repeat(400000);');
      expect(r).toMatchObject({
        ok: false,
        code: 'RESULT_TOO_LARGE',
        error: expect.stringMatching(/The result is too large: more than 300000 characters of JSON \(limit 300000\)/),
      });
    });
    it('refuses oversized arguments without running the script', async () => {
      const s = new Sandbox({ maxArgsChars: 2000 });
      const r = await s.runOnce(plainKind(['p']), 'return p.length;', [['x'.repeat(3000)], ['ok']]);
      expect(r.results[0]).toMatchObject({ ok: false, code: 'ARGS_TOO_LARGE' });
      expect(r.results[1]).toEqual({ ok: true, value: 2 });
    });
    it('keeps the event loop free while a script spins', async () => {
      const s = new Sandbox({ timeoutMs: 600 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await s.runOnce(plainKind([]), 'while (true) {}', [[]]);
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(20);
    });
  });

  describe('recovery', () => {
    const BODY =
      'var s = decodeToString(payload); if (s === "bomb") { var a = []; for (;;) a.push(new Array(100000).fill(1.5)); } if (s === "loop") while (true) {} return s;';

    it('rebuilds an isolate killed by its memory limit and fails only the bomb of a batch', async () => {
      const s = new Sandbox({ timeoutMs: 5000, memoryMb: 32 });
      await s.compile('m', UPLINK_KIND, BODY);
      const r = await s.runBatch('m', [up('a'), up('b'), up('bomb'), up('c'), up('d')]);
      expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual(['a', 'b', 'MEMORY', 'c', 'd']);
      expect((await s.runBatch('m', [up('after')])).results[0]).toEqual({ ok: true, value: 'after' });
      s.dispose();
    });

    it('fails only the item that timed out and finishes the rest of its batch', async () => {
      await sb.compile('t', UPLINK_KIND, BODY);
      const r = await sb.runBatch('t', [up('a'), up('loop'), up('b')]);
      expect(r.results.map((x) => (x.ok ? x.value : x.code))).toEqual(['a', 'TIMEOUT', 'b']);
    });

    it('suspends a script after 3 consecutive errors and lifts the suspension after the suspension time', async () => {
      let now = 1_000_000;
      const s = new Sandbox({ maxErrors: 3, suspendMs: 60_000 }, { now: () => now });
      await s.compile(
        's',
        UPLINK_KIND,
        'if (decodeToString(payload) === "bad") throw new Error("broken input"); return "fine";',
      );
      for (let i = 0; i < 3; i++)
        expect((await s.runBatch('s', [up('bad')])).results[0]).toMatchObject({
          ok: false,
          code: 'SCRIPT_ERROR',
        });
      const r = await s.runBatch('s', [up('good'), up('good')]);
      for (const x of r.results)
        expect(x).toMatchObject({
          ok: false,
          code: 'SUSPENDED',
          error: `The script is suspended until ${new Date(now + 60_000).toISOString()} after 3 consecutive errors (last error: Error: broken input (line 1, column 46))`,
        });
      expect(s.stats('s')).toMatchObject({ suspendedRuns: 2, errorsInRow: 3 });
      now += 60_000;
      expect((await s.runBatch('s', [up('good')])).results[0]).toEqual({ ok: true, value: 'fine' });
      s.dispose();
    });

    it('does not suspend when errors are not consecutive', async () => {
      await sb.compile(
        'n',
        UPLINK_KIND,
        'if (decodeToString(payload) === "bad") throw new Error("x"); return 1;',
      );
      const r = await sb.runBatch('n', [up('bad'), up('bad'), up('ok'), up('bad'), up('bad'), up('ok')]);
      expect(r.results.map((x) => x.ok)).toEqual([false, false, true, false, false, true]);
      expect(sb.stats('n')!.suspendedUntil).toBeNull();
    });
  });
});

describe('Sandbox test runs', () => {
  it('runs at most maxConcurrentTests throwaway isolates at once on a worker and queues the rest', async () => {
    const sb = new Sandbox({ maxConcurrentTests: 2, timeoutMs: 200 }, { pool: { workers: 1 } });
    await sb.runOnce(plainKind([]), 'return 1', [[]]); // the worker is up
    const started = Date.now();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => sb.runOnce(plainKind([]), 'while (true) {}', [[]])),
    );
    expect(runs.every((r) => r.results[0]!.ok === false)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    sb.dispose();
  });

  it('reports an unclosed or extra brace at the end of the script with what is wrong', async () => {
    const sb = new Sandbox();
    await expect(sb.check(UPLINK_KIND, 'if (x) {\n  return 1;')).rejects.toMatchObject({
      message:
        "SyntaxError: Unexpected token ')' at the end of the script: check that every bracket and brace is closed, and none too many (line 2, column 12)",
    });
    await expect(sb.check(UPLINK_KIND, 'return 1;\n}')).rejects.toMatchObject({
      message: expect.stringMatching(
        /^SyntaxError: Unexpected token '}' at the end of the script.* \(line 2, column 2\)$/,
      ),
    });
  });
});
