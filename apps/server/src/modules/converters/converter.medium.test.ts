import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import { ConverterRuntime } from './converter.runtime.js';
import { ConverterService } from './converter.service.js';
import {
  GUIDE_DECODER,
  GUIDE_DECODER_TWOWAY,
  GUIDE_ENCODER,
  GUIDE_ENCODER_TWOWAY,
} from '@bridgeboard/contracts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const TOPIC = 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature';
const RPC = {
  msg: '{"method":"setValue","params":"32"}',
  metadata: { deviceName: 'SN-001', deviceType: 'sensor' },
  msgType: 'RPC_CALL_FROM_SERVER_TO_DEVICE',
  integrationMetadata: {},
};

describe('converters over REST', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  const testUp = (
    decoder: string,
    payload: string,
    metadata: Record<string, string> = { topic: TOPIC, integrationName: 'MQTT Integration' },
  ) =>
    p
      .http()
      .post('/api/converter/testUpLink?scriptLang=JS')
      .set(auth)
      .send({ payload: b64(payload), metadata, decoder });
  const create = (body: Record<string, unknown>) => p.http().post('/api/converter').set(auth).send(body);

  beforeAll(async () => {
    p = await startTestPlatform({ SANDBOX_SUSPEND_MS: '1500' });
    auth = bearer(p.tenantToken);
  });
  afterAll(async () => {
    await p.stop();
  });

  describe("the guide's scripts, unmodified", () => {
    it('decodes the temperature reading with the first decoder', async () => {
      const r = await testUp(GUIDE_DECODER, '{"value":25.1}');
      expect(r.status).toBe(200);
      expect(r.body.error).toBe('');
      expect(JSON.parse(r.body.output)).toEqual({
        deviceName: 'SN-001',
        deviceType: 'sensor',
        attributes: { integrationName: 'MQTT Integration' },
        telemetry: { temperature: 25.1 },
      });
    });

    it('decodes temperature and RPC responses with the two-way decoder', async () => {
      const t = await testUp(GUIDE_DECODER_TWOWAY, '{"value":25.1}');
      expect(JSON.parse(t.body.output)).toMatchObject({
        deviceName: 'SN-001',
        deviceType: 'sensor',
        telemetry: { temperature: 25.1 },
      });
      const rsp = await testUp(GUIDE_DECODER_TWOWAY, '{"rpcReceived":"OK"}', {
        topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/rx/response',
        integrationName: 'MQTT Integration',
      });
      expect(rsp.body.error).toBe('');
      expect(JSON.parse(rsp.body.output)).toMatchObject({
        deviceName: 'SN-001',
        telemetry: { rpcReceived: 'OK' },
      });
    });

    it('encodes setValue 32 to {"value":32} on .../SN-001/rx and .../rx/twoway', async () => {
      const one = await p
        .http()
        .post('/api/converter/testDownLink?scriptLang=JS')
        .set(auth)
        .send({ ...RPC, encoder: GUIDE_ENCODER });
      expect(one.status).toBe(200);
      expect(one.body.error).toBe('');
      expect(JSON.parse(one.body.output)).toEqual({
        contentType: 'JSON',
        data: '{"value":32}',
        metadata: { topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/rx' },
      });
      const two = await p
        .http()
        .post('/api/converter/testDownLink?scriptLang=JS')
        .set(auth)
        .send({ ...RPC, encoder: GUIDE_ENCODER_TWOWAY });
      expect(JSON.parse(two.body.output)).toEqual({
        contentType: 'JSON',
        data: '{"value":32}',
        metadata: { topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/rx/twoway' },
      });
    });
  });

  describe('test runs', () => {
    it('returns console lines, decodes UTF-8 with the built-in and reports thrown errors with their line', async () => {
      const r = await testUp(
        'console.log("got", decodeToString(payload));\nreturn {deviceName: decodeToString(payload), deviceType: "t"};',
        'Grüße €',
      );
      expect(r.body).toMatchObject({ error: '', consoleLines: ['got Grüße €'] });
      expect(JSON.parse(r.body.output).deviceName).toBe('Grüße €');
      const e = await testUp('var a = 1;\nreturn metadata.nope.x;', '{}');
      expect(e.body).toMatchObject({
        output: '',
        error: expect.stringMatching(/^TypeError: .*\(line 2, column \d+\)$/),
      });
    });

    it.each([
      ['missing deviceName', 'return {deviceType: "t"};', /missing deviceName/],
      ['missing deviceType', 'return {deviceName: "d"};', /missing deviceType/],
      [
        'a number as deviceName',
        'return {deviceName: 5, deviceType: "t"};',
        /deviceName must be a string, got a number/,
      ],
      [
        'telemetry as a string',
        'return {deviceName: "d", deviceType: "t", telemetry: "hot"};',
        /telemetry must be an object/,
      ],
      [
        'a cyclic object',
        'var o = {deviceName: "d", deviceType: "t", attributes: {}}; o.attributes.self = o; return o;',
        /attributes\.self refers back to an enclosing object/,
      ],
      [
        'a function value',
        'return {deviceName: "d", deviceType: "t", telemetry: {f: function () {}}};',
        /telemetry\.f is a function/,
      ],
      [
        'NaN',
        'return {deviceName: "d", deviceType: "t", telemetry: {temperature: NaN}};',
        /telemetry\.temperature is NaN/,
      ],
      ['a Promise', 'return Promise.resolve({deviceName: "d", deviceType: "t"});', /the result is a Promise/],
      [
        'an array with a bad second item',
        'return [{deviceName: "a", deviceType: "t"}, {deviceName: "", deviceType: "t"}];',
        /result\[1\]\.deviceName must not be empty/,
      ],
      ['nothing', 'var x = 1;', /returned nothing/],
    ])('names the field when the decoder returns %s', async (_what, script, message) => {
      const r = await testUp(script, '{}');
      expect(r.status).toBe(200);
      expect(r.body.error).toMatch(message);
    });

    it('stops while(true){} with a timeout while the server keeps answering', async () => {
      let loopDone = 0;
      const loop = testUp('while (true) {}', '{}').then((r) => {
        loopDone = Date.now();
        return r;
      });
      await new Promise((r) => setTimeout(r, 50));
      const h = await p.http().get('/api/health');
      const healthDone = Date.now();
      expect(h.status).toBe(200);
      const r = await loop;
      expect(r.body.error).toBe('The script ran longer than 500 ms and was stopped');
      expect(healthDone).toBeLessThan(loopDone);
    });

    it('stops deep recursion, a huge string, a regex backtrack and an oversized result, each with its own error', async () => {
      expect((await testUp('function f() { return f() + 1; } return f();', '{}')).body.error).toMatch(
        /Maximum call stack size exceeded/,
      );
      expect((await testUp('var s = "x"; for (;;) s += s;', '{}')).body.error).toMatch(
        /Invalid string length|memory/,
      );
      expect((await testUp('return /(a+)+$/.test("a".repeat(1 << 20) + "b");', '{}')).body.error).toMatch(
        /longer than 500 ms/,
      );
      expect(
        (await testUp('return {deviceName: "x".repeat(400000), deviceType: "t"};', '{}')).body.error,
      ).toMatch(/The result is too large/);
    });

    it('refuses an oversized script, an unknown scriptLang and a payload that is not base64', async () => {
      expect((await testUp(`return 1; //${'x'.repeat(70_000)}`, '{}')).body.error).toMatch(
        /The script is too large: \d+ bytes \(limit 65536\)/,
      );
      const lang = await p
        .http()
        .post('/api/converter/testUpLink?scriptLang=TBEL')
        .set(auth)
        .send({ payload: '', decoder: 'return 1' });
      expect(lang.status).toBe(400);
      expect(lang.body.message).toMatch(/scriptLang/);
      const pl = await p
        .http()
        .post('/api/converter/testUpLink')
        .set(auth)
        .send({ payload: 'not base64!', decoder: 'return 1' });
      expect(pl.status).toBe(400);
      expect(pl.body.message).toMatch(/payload must be base64/);
    });
  });

  describe('converter entities', () => {
    it('creates, reads, pages, updates and deletes converters', async () => {
      const up = await create({
        name: 'MQTT Uplink',
        type: 'UPLINK',
        debugMode: false,
        configuration: { scriptLang: 'JS', decoder: GUIDE_DECODER },
      });
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({
        id: { entityType: 'CONVERTER' },
        tenantId: { entityType: 'TENANT' },
        name: 'MQTT Uplink',
        type: 'UPLINK',
        debugMode: false,
        configuration: { scriptLang: 'JS', decoder: GUIDE_DECODER },
        testCases: [],
        testResults: [],
      });
      const down = await create({
        name: 'MQTT Downlink',
        type: 'DOWNLINK',
        configuration: { scriptLang: 'JS', encoder: GUIDE_ENCODER },
      });
      expect(down.status).toBe(200);
      const id = up.body.id.id;
      expect((await p.http().get(`/api/converter/${id}`).set(auth)).body.name).toBe('MQTT Uplink');
      const page = await p.http().get('/api/converters?pageSize=10&page=0&textSearch=mqtt').set(auth);
      expect(page.body).toMatchObject({ totalElements: 2, hasNext: false });
      const ups = await p
        .http()
        .get('/api/converters?pageSize=10&page=0&textSearch=mqtt&type=UPLINK')
        .set(auth);
      expect(ups.body.data.map((c: { name: string }) => c.name)).toEqual(['MQTT Uplink']);
      const upd = await create({ ...up.body, name: 'MQTT Uplink v2' });
      expect(upd.status).toBe(200);
      expect(upd.body.name).toBe('MQTT Uplink v2');
      const typeChange = await create({
        ...up.body,
        type: 'DOWNLINK',
        configuration: { encoder: GUIDE_ENCODER },
      });
      expect(typeChange.status).toBe(400);
      expect((await p.http().delete(`/api/converter/${id}`).set(auth)).status).toBe(200);
      expect((await p.http().get(`/api/converter/${id}`).set(auth)).status).toBe(404);
    });

    it('refuses a script that does not compile with its line and column, and a missing script naming the field', async () => {
      const r = await create({
        name: 'Broken',
        type: 'UPLINK',
        configuration: { scriptLang: 'JS', decoder: 'var a = 1;\nvar b = ;\nreturn a;' },
      });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({
        message: "The decoder script does not compile: SyntaxError: Unexpected token ';' (line 2, column 9)",
        line: 2,
        column: 9,
        field: 'configuration.decoder',
      });
      const missing = await create({ name: 'Empty', type: 'DOWNLINK', configuration: { scriptLang: 'JS' } });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/configuration\.encoder/);
    });

    it('answers 409 naming the user while something uses the converter', async () => {
      const c = await create({ name: 'Used', type: 'UPLINK', configuration: { decoder: GUIDE_DECODER } });
      const inUse = new Set([c.body.id.id]);
      p.app
        .get(ConverterService)
        .registerUsageCheck(async (_t, id) => (inUse.has(id) ? "integration 'MQTT Integration'" : null));
      const r = await p.http().delete(`/api/converter/${c.body.id.id}`).set(auth);
      expect(r.status).toBe(409);
      expect(r.body.message).toBe(
        "Converter 'Used' cannot be deleted because it is used by integration 'MQTT Integration'. Remove it from there first.",
      );
      inUse.clear();
      expect((await p.http().delete(`/api/converter/${c.body.id.id}`).set(auth)).status).toBe(200);
    });

    it('keeps tenants apart', async () => {
      const c = await create({ name: 'Mine', type: 'UPLINK', configuration: { decoder: GUIDE_DECODER } });
      const other = bearer((await createTenantWithAdmin(p, 'Converter Rivals')).token);
      expect((await p.http().get(`/api/converter/${c.body.id.id}`).set(other)).status).toBe(404);
      expect((await p.http().delete(`/api/converter/${c.body.id.id}`).set(other)).status).toBe(404);
      expect(
        (
          await p
            .http()
            .post('/api/converter')
            .set(other)
            .send({ ...c.body, name: 'Stolen' })
        ).status,
      ).toBe(404);
      expect((await p.http().get('/api/converters?pageSize=10&page=0').set(other)).body.totalElements).toBe(
        0,
      );
      const runtime = p.app.get(ConverterRuntime);
      const [o] = await runtime.runUplink('00000000-0000-0000-0000-000000000000', c.body.id.id, [
        { payload: Buffer.from('{}'), metadata: { topic: TOPIC } },
      ]);
      expect(o).toEqual({ ok: false, error: `Converter with id ${c.body.id.id} not found`, code: 'CONVERTER' });
    });

    it('runs saved test cases on save and reports each, without blocking the save', async () => {
      const r = await create({
        name: 'With cases',
        type: 'UPLINK',
        configuration: { decoder: GUIDE_DECODER },
        testCases: [
          {
            name: 'reading',
            payload: b64('{"value":25.1}'),
            metadata: { topic: TOPIC, integrationName: 'I' },
            expected: {
              deviceName: 'SN-001',
              deviceType: 'sensor',
              attributes: { integrationName: 'I' },
              telemetry: { temperature: 25.1 },
            },
          },
          {
            name: 'wrong expectation',
            payload: b64('{"value":1}'),
            metadata: { topic: TOPIC, integrationName: 'I' },
            expected: { deviceName: 'SN-002' },
          },
          { name: 'bad topic', payload: b64('{"value":1}'), metadata: { topic: 'other' } },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.body.testResults).toEqual([
        { name: 'reading', pass: true, output: expect.stringContaining('"temperature":25.1'), error: '' },
        {
          name: 'wrong expectation',
          pass: false,
          output: expect.stringContaining('SN-001'),
          error: 'The output differs from the expected output',
        },
        {
          name: 'bad topic',
          pass: false,
          output: '',
          error: expect.stringMatching(/^TypeError: .*\(line \d+, column \d+\)$/),
        },
      ]);
      expect((await p.http().get(`/api/converter/${r.body.id.id}`).set(auth)).body.testCases).toHaveLength(3);
      const d = await create({
        name: 'Encoder with case',
        type: 'DOWNLINK',
        configuration: { encoder: GUIDE_ENCODER },
        testCases: [
          {
            name: 'knob',
            msg: RPC.msg,
            metadata: RPC.metadata,
            expected: {
              contentType: 'JSON',
              data: '{"value":32}',
              metadata: { topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/rx' },
            },
          },
        ],
      });
      expect(d.body.testResults).toEqual([
        { name: 'knob', pass: true, output: expect.any(String), error: '' },
      ]);
    });
  });

  describe('running saved converters', () => {
    it('decodes a batch, records debug events and serves the latest input for a test run', async () => {
      const c = await create({
        name: 'Debugged',
        type: 'UPLINK',
        debugMode: true,
        configuration: { decoder: GUIDE_DECODER },
      });
      const id = c.body.id.id;
      expect(c.body.debugModeUntil).toBe(c.body.debugModeSince + 15 * 60_000);
      const runtime = p.app.get(ConverterRuntime);
      const meta = { topic: TOPIC, integrationName: 'MQTT Integration' };
      const out = await runtime.runUplink(tenantOf(c.body), id, [
        { payload: Buffer.from('{"value":25.1}'), metadata: meta },
        { payload: Buffer.from('not json'), metadata: meta },
        { payload: Buffer.from([0xff, 0x00, 0x10]), metadata: meta },
      ]);
      expect(out[0]).toEqual({
        ok: true,
        results: [
          {
            deviceName: 'SN-001',
            deviceType: 'sensor',
            attributes: { integrationName: 'MQTT Integration' },
            telemetry: [{ ts: expect.any(Number), values: { temperature: 25.1 } }],
          },
        ],
        // the converter version that decoded it (kept with the message in the raw archive)
        version: 1,
      });
      expect(out[1]).toMatchObject({ ok: false, error: expect.stringMatching(/SyntaxError/) });
      expect(out[2]).toMatchObject({ ok: false });
      const events = await eventually(async () => {
        const e = await p.http().get(`/api/events/CONVERTER/${id}?pageSize=10&page=0`).set(auth);
        return e.body.totalElements === 3 ? e.body.data : null;
      });
      const bodies = events.map((e: { type: string; body: unknown }) => ({
        type: e.type,
        ...(e.body as object),
      }));
      expect(bodies).toEqual(
        expect.arrayContaining([
          {
            type: 'DEBUG_CONVERTER',
            in: '{"value":25.1}',
            inContentType: 'JSON',
            out: expect.stringContaining('SN-001'),
            metadata: meta,
            error: '',
          },
          {
            type: 'DEBUG_CONVERTER',
            in: 'not json',
            inContentType: 'TEXT',
            out: '',
            metadata: meta,
            error: expect.stringMatching(/SyntaxError/),
          },
          {
            type: 'DEBUG_CONVERTER',
            in: Buffer.from([0xff, 0x00, 0x10]).toString('base64'),
            inContentType: 'BINARY',
            out: '',
            metadata: meta,
            error: expect.any(String),
          },
        ]),
      );
      // ThingsBoard's shape: the content as text (base64 when binary), the metadata as JSON text
      const last = await p.http().get(`/api/converter/${id}/debugIn`).set(auth);
      expect(last.body).toMatchObject({
        inContent: Buffer.from([0xff, 0x00, 0x10]).toString('base64'),
        inContentType: 'BINARY',
        inMetadata: expect.any(String),
      });
      expect(JSON.parse(last.body.inMetadata)).toEqual(meta);
      const none = await create({
        name: 'Silent',
        type: 'UPLINK',
        configuration: { decoder: GUIDE_DECODER },
      });
      expect((await p.http().get(`/api/converter/${none.body.id.id}/debugIn`).set(auth)).status).toBe(404);
    });

    it('records nothing without debug mode, and debug mode switches itself off unless pinned', async () => {
      const c = await create({ name: 'Quiet', type: 'UPLINK', configuration: { decoder: GUIDE_DECODER } });
      const runtime = p.app.get(ConverterRuntime);
      await runtime.runUplink(tenantOf(c.body), c.body.id.id, [
        { payload: Buffer.from('{"value":1}'), metadata: { topic: TOPIC } },
      ]);
      expect(
        (await p.http().get(`/api/events/CONVERTER/${c.body.id.id}?pageSize=10&page=0`).set(auth)).body
          .totalElements,
      ).toBe(0);
      const on = await create({ ...c.body, debugMode: true });
      await p.db.query('UPDATE converter SET debug_mode_since = $1 WHERE id = $2', [
        Date.now() - 16 * 60_000,
        c.body.id.id,
      ]);
      expect((await p.http().get(`/api/converter/${on.body.id.id}`).set(auth)).body).toMatchObject({
        debugMode: false,
        debugModeUntil: null,
      });
      const pinned = await create({ ...on.body, debugMode: true, debugModePinned: true });
      expect(pinned.body).toMatchObject({ debugMode: true, debugModePinned: true, debugModeUntil: null });
      await p.db.query('UPDATE converter SET debug_mode_since = $1 WHERE id = $2', [
        Date.now() - 60 * 60_000,
        c.body.id.id,
      ]);
      expect((await p.http().get(`/api/converter/${c.body.id.id}`).set(auth)).body.debugMode).toBe(true);
    });

    it('encodes a downlink and reports a bad encoder result naming the field', async () => {
      const c = await create({
        name: 'Down',
        type: 'DOWNLINK',
        configuration: { encoder: GUIDE_ENCODER_TWOWAY },
      });
      const runtime = p.app.get(ConverterRuntime);
      const input = {
        msg: { method: 'setValue', params: '32' },
        metadata: RPC.metadata,
        msgType: RPC.msgType,
        integrationMetadata: {},
      };
      expect(await runtime.runDownlink(tenantOf(c.body), c.body.id.id, input)).toEqual({
        ok: true,
        result: {
          contentType: 'JSON',
          data: '{"value":32}',
          metadata: { topic: 'tb/mqtt-integration-tutorial/sensors/SN-001/rx/twoway' },
        },
      });
      const bad = await create({
        name: 'Bad down',
        type: 'DOWNLINK',
        configuration: { encoder: 'return {contentType: "XML", data: "x"};' },
      });
      expect(await runtime.runDownlink(tenantOf(bad.body), bad.body.id.id, input)).toEqual({
        ok: false,
        error: 'contentType must be "JSON", "TEXT" or "BINARY", got "XML"',
      });
    });

    it('suspends a converter after 3 consecutive errors with a clear error, and resumes after the suspension time', async () => {
      const c = await create({ name: 'Flaky', type: 'UPLINK', configuration: { decoder: GUIDE_DECODER } });
      const runtime = p.app.get(ConverterRuntime);
      const run = (s: string) =>
        runtime.runUplink(tenantOf(c.body), c.body.id.id, [
          { payload: Buffer.from(s), metadata: { topic: TOPIC, integrationName: 'I' } },
        ]);
      for (let i = 0; i < 3; i++)
        expect((await run('broken'))[0]).toMatchObject({
          ok: false,
          error: expect.stringMatching(/SyntaxError/),
        });
      const refused = (await run('{"value":1}'))[0];
      expect(refused).toMatchObject({
        ok: false,
        error: expect.stringMatching(
          /^The script is suspended until .* after 3 consecutive errors \(last error: SyntaxError/,
        ),
      });
      await new Promise((r) => setTimeout(r, 1600));
      expect((await run('{"value":1}'))[0]).toMatchObject({ ok: true });
    });
  });
});

const tenantOf = (c: { tenantId: { id: string } }) => c.tenantId.id;
