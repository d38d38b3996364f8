import { bearer, eventually, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import {
  createConverter,
  createIntegration,
  integrationBody,
  publisher,
  publishSeq,
  rnd,
  SEQ_DECODER,
  waitStatus,
} from './test-kit.js';

describe('an integration that expects a message every N minutes', () => {
  let p: TestPlatform;
  let converterId: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    converterId = await createConverter(p, SEQ_DECODER);
  });
  afterAll(async () => {
    await p.stop();
  });

  const statusEvents = async (id: string) => {
    const r = await p
      .http()
      .get(`/api/events/INTEGRATION/${id}?pageSize=50&page=0`)
      .set(bearer(p.tenantToken));
    return (r.body.data as { body: { type: string; status: string; error?: string; message?: string } }[])
      .map((e) => e.body)
      .filter((b) => b.type === 'Status' && (b.status === 'SILENT' || b.message));
  };

  it('goes SILENT with an ERROR event when no uplink comes for longer, and back to CONNECTED when one does', async () => {
    const prefix = `${rnd()}/quiet`;
    // 0.05 minutes = 3 s; debug mode off: the alert is recorded anyway
    const { id, body } = await createIntegration(p, {
      converterId,
      filters: [{ filter: `${prefix}/#`, qos: 1 }],
      cleanSession: true,
    });
    const saved = await p
      .http()
      .post('/api/integration')
      .set(bearer(p.tenantToken))
      .send({ ...body, configuration: { ...(body.configuration as object), silenceAlertMin: 0.05 } });
    expect(saved.status).toBe(200);
    expect(saved.body.configuration.silenceAlertMin).toBe(0.05);
    await waitStatus(p, id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const names = [`Q-${rnd()}`];
    // a message every 1.5 s keeps it CONNECTED for longer than the limit
    for (let k = 0; k < 4; k++) {
      await publishSeq(pub, (i) => `${prefix}/${i}`, k + 1, { qos: 1, names, from: k });
      await new Promise((r) => setTimeout(r, 1500));
      expect(
        (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body.status,
      ).toBe('CONNECTED');
    }
    const last = Date.now() - 1500;
    await waitStatus(p, id, 'SILENT', 10_000);
    expect(Date.now() - last).toBeGreaterThanOrEqual(2900);
    const status = (await p.http().get(`/api/integration/${id}/status`).set(bearer(p.tenantToken))).body;
    expect(status.lastError).toMatch(
      /^No uplink for \d+ s, longer than the 0\.05 minute\(s\) this integration expects \(silenceAlertMin\)/,
    );
    const raised = await eventually(async () => {
      const e = await statusEvents(id);
      return e.length === 1 ? e : null;
    });
    expect(raised[0]).toMatchObject({ status: 'SILENT', error: expect.stringMatching(/silenceAlertMin/) });

    await publishSeq(pub, (i) => `${prefix}/${i}`, 5, { qos: 1, names, from: 4 });
    await waitStatus(p, id, 'CONNECTED', 5000);
    const cleared = await eventually(async () => {
      const e = await statusEvents(id);
      return e.length === 2 ? e : null;
    });
    expect(cleared.map((e) => e.status).sort()).toEqual(['CONNECTED', 'SILENT']);
    await pub.endAsync();
  }, 30_000);

  it('is off by default and refuses a limit below 3 seconds with a sentence naming the field', async () => {
    const { id, body } = await createIntegration(p, {
      converterId,
      filters: [{ filter: `${rnd()}/none/#`, qos: 0 }],
      cleanSession: true,
    });
    expect((body.configuration as { silenceAlertMin?: unknown }).silenceAlertMin ?? null).toBeNull();
    const bad = await p
      .http()
      .post('/api/integration')
      .set(bearer(p.tenantToken))
      .send({
        ...integrationBody(p, { converterId, filters: [{ filter: 'x/#', qos: 0 }] }),
        configuration: { ...(body.configuration as object), silenceAlertMin: 0.01 },
      });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/silenceAlertMin must be at least 0\.05 minutes/);
    await waitStatus(p, id, 'CONNECTED');
  });
});
