import { bearer, startTestPlatform, type TestPlatform } from '../helpers.js';
import {
  createConverter,
  createIntegration,
  dropSession,
  rnd,
  SEQ_DECODER,
} from '../../src/modules/integrations/test-kit.js';
import { IntegrationRuntime } from '../../src/modules/integrations/runtime/integration-runtime.js';
import { MemoryWatch, OwnMosquitto, report, sleep } from './fault-kit.js';

const COUNT = Number(process.env.FAULT_STORM_INTEGRATIONS ?? 100);

describe('many integrations reconnecting at once', () => {
  let p: TestPlatform;
  let broker: OwnMosquitto;
  beforeAll(async () => {
    broker = await OwnMosquitto.start();
    // the default back-off (1 s growing to 60 s), as users run it
    p = await startTestPlatform({ LOG_LEVEL: 'error' });
  });
  afterAll(async () => {
    await p.stop();
    await broker.close();
  });

  it(`8: connects all ${COUNT} integrations within 30 s of a broker restart while the API p99 stays under 200 ms`, async () => {
    const rt = p.app.get(IntegrationRuntime);
    const tenantId = (await p.http().get('/api/auth/user').set(bearer(p.tenantToken))).body.tenantId
      .id as string;
    const converterId = await createConverter(p, SEQ_DECODER);
    const ids: string[] = [];
    const clientIds: string[] = [];
    for (let k = 0; k < COUNT; k++) {
      const clientId = `bb-storm-${rnd()}`;
      clientIds.push(clientId);
      const { id } = await createIntegration(p, {
        converterId,
        filters: [{ filter: `${rnd()}/#`, qos: 1 }],
        host: '127.0.0.1',
        port: broker.port,
        clientId,
      });
      ids.push(id);
    }
    const connected = () => ids.filter((id) => rt.status(tenantId, id).status === 'CONNECTED').length;
    for (let t = Date.now(); connected() < COUNT && Date.now() - t < 60000;) await sleep(100);
    expect(connected()).toBe(COUNT);

    const mem = new MemoryWatch();
    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t0 = performance.now();
        const r = await p.http().get('/api/tenant/devices?pageSize=10&page=0').set(bearer(p.tenantToken));
        latencies.push(performance.now() - t0);
        if (r.status !== 200) throw new Error(`API answered ${r.status}`);
        await sleep(20);
      }
    })();
    await broker.down();
    for (let t = Date.now(); connected() > 0 && Date.now() - t < 10000;) await sleep(50);
    const allDown = connected() === 0;
    await sleep(1000);
    await broker.up();
    const upAt = Date.now();
    while (connected() < COUNT && Date.now() - upAt < 60000) await sleep(100);
    const allConnectedMs = Date.now() - upAt;
    await sleep(1000);
    polling = false;
    await poller;
    mem.stop();
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    report('8 100 integrations reconnecting after a broker restart', {
      integrations: COUNT,
      allWentDown: allDown,
      connected: connected(),
      recoveryMs: allConnectedMs,
      apiCalls: latencies.length,
      apiP50Ms: latencies[Math.floor(latencies.length / 2)],
      apiP99Ms: p99,
      published: 0,
      stored: 0,
      lost: 0,
      peakRssMb: mem.peakRssMb,
    });
    expect(allDown).toBe(true);
    expect(connected()).toBe(COUNT);
    expect(allConnectedMs).toBeLessThan(30000);
    expect(p99).toBeLessThan(200);
    for (const id of ids) await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    for (const c of clientIds) await dropSession(broker.url, c);
  }, 300_000);
});
