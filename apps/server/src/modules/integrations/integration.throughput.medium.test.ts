import { bearer, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { createConverter, createIntegration, dropSession, publisher, publishSeq, rnd, SEQ_DECODER, waitStatus } from './test-kit.js';

/** Publish N, count stored: the figures in docs/adr/0003-qos1-ack-after-commit.md come from here. */
describe('uplink throughput', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  async function measure(qos: 0 | 1, n: number): Promise<number> {
    const prefix = `${rnd()}/tp`;
    const tag = rnd();
    const names = Array.from({ length: 10 }, (_, i) => `TP${tag}-${i}`);
    const clientId = `bb-tp-${rnd()}`;
    const converterId = await createConverter(p, SEQ_DECODER);
    const { id } = await createIntegration(p, { converterId, filters: [{ filter: `${prefix}/#`, qos }], clientId, cleanSession: qos === 0 });
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const stored = async () =>
      Number(
        (await p.db.query<{ n: string }>(`SELECT count(*) AS n FROM ts_kv_named t JOIN device d ON d.id = t.entity_id WHERE d.name LIKE $1`, [`TP${tag}-%`]))[0]!.n,
      );
    const t0 = Date.now();
    // Closed loop: at most ~1000 messages outstanding, so a broker's per-client queue
    // (Mosquitto: max_queued_messages 1000) never overflows and drops them.
    await publishSeq(pub, (i) => `${prefix}/${i % 10}`, n, {
      qos,
      names,
      perTick: 500,
      onProgress: async (sent) => {
        await eventually(async () => (await stored()) >= sent - 500, 30000, 5);
      },
    });
    await eventually(async () => (await stored()) === n, 60000, 20);
    const rate = Math.round((n * 1000) / (Date.now() - t0));
    const s = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
    expect(s).toMatchObject({ messagesIn: n, errors: 0 });
    await pub.endAsync();
    await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken));
    if (qos === 1) await dropSession(p.mqttUrl, clientId);
    process.stdout.write(`THROUGHPUT qos${qos}: ${n} messages published and stored at ${rate} msgs/s (${process.env.TEST_EMBEDDED_BROKER ? 'aedes' : p.mqttUrl})\n`);
    return rate;
  }

  it('stores 5,000 QoS 0 messages, all of them, at a measured rate', async () => {
    expect(await measure(0, 5000)).toBeGreaterThan(100);
  }, 90000);

  it('stores 5,000 QoS 1 messages acknowledged after commit, all of them, at a measured rate', async () => {
    expect(await measure(1, 5000)).toBeGreaterThan(100);
  }, 90000);
});
