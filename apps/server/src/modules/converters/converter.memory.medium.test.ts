import { bearer, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { ConverterRuntime } from './converter.runtime.js';
import { GUIDE_DECODER } from '@bridgeboard/contracts';

// Reaching a heap limit takes V8 several last-resort collections, which on a loaded machine can
// outlast 500 ms; a longer time limit here makes sure these tests see the memory limit, not the clock.
const BOMB = 'var a = []; for (;;) a.push(new Array(100000).fill(1.5));';
const TOPIC = 'tb/mqtt-integration-tutorial/sensors/SN-001/temperature';

describe('converters at their memory limit', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  const testUp = (decoder: string, payload: string) =>
    p
      .http()
      .post('/api/converter/testUpLink?scriptLang=JS')
      .set(auth)
      .send({
        payload: Buffer.from(payload).toString('base64'),
        metadata: { topic: TOPIC, integrationName: 'I' },
        decoder,
      });

  beforeAll(async () => {
    p = await startTestPlatform({ SANDBOX_TIMEOUT_MS: '10000' });
    auth = bearer(p.tenantToken);
  });
  afterAll(async () => {
    await p.stop();
  });

  it('stops a memory bomb with a memory error while the server keeps answering', async () => {
    let bombDone = 0;
    const bomb = testUp(`${BOMB} return 1;`, '{}').then((r) => {
      bombDone = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    const health = await p.http().get('/api/health');
    const healthDone = Date.now();
    expect(health.status).toBe(200);
    expect((await bomb).body.error).toBe('The script used more than its 64 MB of memory and was stopped');
    expect(healthDone).toBeLessThanOrEqual(bombDone);
    expect((await testUp(GUIDE_DECODER, '{"value":1}')).body.error).toBe('');
  });

  it('fails only the bomb in a batch and keeps decoding', async () => {
    const decoder = `var s = decodeToString(payload); if (s === "bomb") { ${BOMB} } return {deviceName: s, deviceType: "t"};`;
    const c = await p
      .http()
      .post('/api/converter')
      .set(auth)
      .send({ name: 'Bombed', type: 'UPLINK', configuration: { decoder } });
    const runtime = p.app.get(ConverterRuntime);
    const msgs = ['a', 'b', 'bomb', 'c'].map((s) => ({ payload: Buffer.from(s), metadata: {} }));
    const out = await runtime.runUplink(c.body.tenantId.id, c.body.id.id, msgs);
    expect(out.map((o) => (o.ok ? o.results[0]!.deviceName : o.error))).toEqual([
      'a',
      'b',
      "The decoder of converter 'Bombed' used more than its 64 MB of memory and was stopped",
      'c',
    ]);
    expect((await runtime.runUplink(c.body.tenantId.id, c.body.id.id, [msgs[0]!]))[0]!.ok).toBe(true);
  });
});
