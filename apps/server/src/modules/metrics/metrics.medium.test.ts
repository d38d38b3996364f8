import http from 'node:http';
import os from 'node:os';
import request from 'supertest';
import {
  bearer,
  createTenantWithAdmin,
  eventually,
  startTestPlatform,
  type TestPlatform,
} from '../../../test/helpers.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import {
  countPoints,
  createConverter,
  createIntegration,
  deviceByName,
  publisher,
  publishSeq,
  rnd,
  SEQ_DECODER,
  waitStatus,
} from '../integrations/test-kit.js';

const TOKEN = 'metrics-token-for-the-medium-test';

/** Samples of the exposition text: name, labels, value. */
type Sample = { name: string; labels: Record<string, string>; value: number };
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}
/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hit = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hit.length > 1) throw new Error(`${hit.length} samples of ${name} ${JSON.stringify(labels)}`);
  return hit[0]?.value;
}

/** An address of this machine that is not loopback (a request to it comes from it, not from 127.0.0.1). */
const otherAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('GET /metrics', () => {
  let p: TestPlatform;
  let tenantId: string;
  const scrape = async () => {
    const r = await p.http().get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(r.text);
  };
  beforeAll(async () => {
    // a low worker memory cap, so one script can make the pool replace a worker; a time limit that a
    // busy machine cannot make the memory bomb reach before the cap (the default 500 ms could)
    p = await startTestPlatform({
      METRICS_TOKEN: TOKEN,
      SANDBOX_WORKERS: '1',
      SANDBOX_WORKER_MAX_RSS_MB: '250',
      SANDBOX_MEMORY_MB: '1024',
      SANDBOX_TIMEOUT_MS: '10000',
    });
    tenantId = (await p.http().get('/api/auth/user').set(bearer(p.tenantToken))).body.tenantId.id;
  }, 60_000);
  afterAll(async () => {
    await p.stop();
  });

  it('moves every integration series with real traffic: uplinks, errors by kind, downlinks, connected, last message age, receive → commit', async () => {
    const before = await scrape();
    // Node's default metrics and the Postgres pool are there from the start
    expect(value(before, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(before, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(before, 'bridgeboard_db_pool_connections')).toBeGreaterThan(0);
    expect(value(before, 'bridgeboard_db_pool_idle_connections')).toBeGreaterThanOrEqual(0);
    expect(value(before, 'bridgeboard_db_pool_waiting_requests')).toBe(0);
    const commitsBefore = value(before, 'bridgeboard_uplink_commit_seconds_count') ?? 0;

    const converterId = await createConverter(p, SEQ_DECODER);
    const prefix = `${rnd()}/metrics`;
    const { id } = await createIntegration(p, {
      converterId,
      filters: [{ filter: `${prefix}/#`, qos: 1 }],
      cleanSession: true,
    });
    const ids = { tenant: tenantId, integration: id };
    await waitStatus(p, id, 'CONNECTED');
    const idle = await scrape();
    expect(value(idle, 'bridgeboard_integration_connected', ids)).toBe(1);
    expect(value(idle, 'bridgeboard_integration_uplink_messages_total', ids)).toBe(0);
    expect(value(idle, 'bridgeboard_integration_last_message_age_seconds', ids)).toBeUndefined();

    const pub = await publisher(p.mqttUrl);
    const name = `M-${rnd()}`;
    await publishSeq(pub, (i) => `${prefix}/${i}`, 20, { qos: 1, names: [name] });
    await pub.publishAsync(`${prefix}/bad`, 'not json', { qos: 1 });
    const dev = await eventually(() => deviceByName(p, name));
    await eventually(async () => (await countPoints(p, dev.id.id)) === 20);
    await p.app
      .get(IntegrationRuntime)
      .publish(tenantId, id, `${prefix}-down/SN-001/rx`, Buffer.from('{"value":32}'));

    const after = await eventually(async () => {
      const s = await scrape();
      return value(s, 'bridgeboard_integration_uplink_errors_total', { ...ids, kind: 'converter' }) === 1
        ? s
        : null;
    });
    expect(value(after, 'bridgeboard_integration_uplink_messages_total', ids)).toBe(21);
    expect(value(after, 'bridgeboard_integration_downlink_messages_total', ids)).toBe(1);
    expect(value(after, 'bridgeboard_integration_connected', ids)).toBe(1);
    const age = value(after, 'bridgeboard_integration_last_message_age_seconds', ids)!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(30);
    // one observation per committed batch, each well under a minute here
    const commits = value(after, 'bridgeboard_uplink_commit_seconds_count')! - commitsBefore;
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(value(after, 'bridgeboard_uplink_commit_seconds_bucket', { le: '60' })! - commitsBefore).toBe(
      commits,
    );
    // labels are ids: the integration's name appears nowhere
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes('MQTT Integration')))).toBe(
      false,
    );

    // the age grows while nothing comes in
    await new Promise((r) => setTimeout(r, 1100));
    expect(value(await scrape(), 'bridgeboard_integration_last_message_age_seconds', ids)).toBeGreaterThan(
      age,
    );
    await pub.endAsync();

    // disabled: 0; deleted: every series of it is gone (cardinality follows the integrations that exist)
    const saved = (await p.http().get(`/api/integration/${id}`).set(bearer(p.tenantToken))).body;
    await p
      .http()
      .post('/api/integration')
      .set(bearer(p.tenantToken))
      .send({ ...saved, enabled: false });
    expect(value(await scrape(), 'bridgeboard_integration_connected', ids)).toBe(0);
    expect((await p.http().delete(`/api/integration/${id}`).set(bearer(p.tenantToken))).status).toBe(200);
    const gone = await scrape();
    expect(gone.filter((s) => s.labels.integration === id)).toEqual([]);
  }, 60_000);

  it("shows a tenant's sandbox queue while its script runs, and counts a worker the pool had to replace", async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const slow =
      'var t = Date.now(); while (Date.now() - t < 400) {} return { deviceName: "d", deviceType: "t" };';
    const running = p
      .http()
      .post('/api/converter/testUpLink')
      .set(bearer(p.tenantToken))
      .send({ payload: b64('{}'), metadata: {}, decoder: slow })
      .then((r) => r);
    await eventually(
      async () => value(await scrape(), 'bridgeboard_sandbox_queue_depth', { tenant: tenantId }) === 1,
      5000,
      20,
    );
    expect((await running).status).toBe(200);
    expect(value(await scrape(), 'bridgeboard_sandbox_queue_depth', { tenant: tenantId })).toBeUndefined();

    const restarts = value(await scrape(), 'bridgeboard_sandbox_worker_restarts_total')!;
    const bomb = 'var a = []; for (;;) a.push(new Array(1e6).fill(1)); return {};';
    const boom = await p
      .http()
      .post('/api/converter/testUpLink')
      .set(bearer(p.tenantToken))
      .send({ payload: b64('{}'), metadata: {}, decoder: bomb });
    expect(boom.body.error).toMatch(/sandbox worker grew past 250 MB of memory and was replaced/);
    await eventually(
      async () => value(await scrape(), 'bridgeboard_sandbox_worker_restarts_total')! > restarts,
      15_000,
    );
  }, 60_000);

  it("drops a deleted tenant's integration series", async () => {
    const b = await createTenantWithAdmin(p, `Metrics B ${rnd()}`);
    const converterId = await createConverter(p, SEQ_DECODER, b.token);
    const { id } = await createIntegration(
      p,
      { converterId, filters: [{ filter: `${rnd()}/b/#`, qos: 0 }], cleanSession: true },
      b.token,
    );
    await eventually(
      async () =>
        value(await scrape(), 'bridgeboard_integration_connected', {
          tenant: b.tenantId,
          integration: id,
        }) === 1,
    );
    expect((await p.http().delete(`/api/tenant/${b.tenantId}`).set(bearer(p.sysadminToken))).status).toBe(
      200,
    );
    expect((await scrape()).filter((s) => s.labels.tenant === b.tenantId)).toEqual([]);
  });

  it('answers a direct connection from this host, and one from elsewhere only with the METRICS_TOKEN bearer', async () => {
    expect((await p.http().get('/metrics')).status).toBe(200);
    // a forwarded header makes even a loopback connection a remote one
    const proxied = await p.http().get('/metrics').set('X-Forwarded-For', '127.0.0.1');
    expect(proxied.status).toBe(403);
    expect(proxied.body.message).toMatch(/METRICS_TOKEN/);
    expect(
      (
        await p
          .http()
          .get('/metrics')
          .set('X-Forwarded-For', '203.0.113.9')
          .set('Authorization', `Bearer ${TOKEN}`)
      ).status,
    ).toBe(200);
    // a user's JWT is not the metrics token
    expect(
      (await p.http().get('/metrics').set('X-Forwarded-For', '203.0.113.9').set(bearer(p.tenantToken)))
        .status,
    ).toBe(403);

    if (!otherAddress) return; // no non-loopback interface on this machine: the small test covers the address check
    // the same app on this machine's network address: the request's socket address is not loopback
    const server = http.createServer(p.app.getHttpAdapter().getInstance());
    await new Promise<void>((r) => server.listen(0, otherAddress, () => r()));
    try {
      const remote = request(`http://${otherAddress}:${(server.address() as { port: number }).port}`);
      const refused = await remote.get('/metrics');
      expect(refused.status).toBe(403);
      expect(refused.text).not.toContain('bridgeboard_');
      expect(
        (await remote.get('/metrics').set('Authorization', 'Bearer wrong-token-of-some-length')).status,
      ).toBe(403);
      const ok = await remote.get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('bridgeboard_sandbox_worker_restarts_total');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
