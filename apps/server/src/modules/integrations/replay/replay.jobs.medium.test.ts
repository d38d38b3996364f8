import { bearer, createTenantWithAdmin, eventually, startTestPlatform, type TestPlatform } from '../../../../test/helpers.js';
import { createConverter, createIntegration, deviceByName, publisher, rnd, waitStatus } from '../test-kit.js';
import { RawArchiveExpiry } from '../archive/raw-archive.expiry.js';
import { ensurePartitions, listPartitions } from '../../../database/partitions.js';
import { ClusterNode } from '../../cluster/cluster-node.js';

const DECODER = `var d = JSON.parse(String.fromCharCode.apply(String, payload));
return { deviceName: d.n, deviceType: 'sensor', telemetry: { v: d.v } };`;
const DAY = 86_400_000;

/** Fills the archive of a converter with `n` messages (as the pipeline writes them), 1 ms apart from `from`. */
async function fillArchive(p: TestPlatform, tenantId: string, integrationId: string, converterId: string, n: number, from: number): Promise<void> {
  await ensurePartitions(p.db, 'raw_message', 'DAYS', from, from + n);
  await p.db.query(
    `INSERT INTO raw_message (received_time, tenant_id, integration_id, converter_id, converter_version, topic, payload, metadata)
     SELECT $5::bigint + g, $1, $2, $3, 1, 'bb-test/fill', convert_to('{"n":"fill-dev","v":' || g || '}', 'UTF8'), '{}'::jsonb FROM generate_series(1, $4) g`,
    [tenantId, integrationId, converterId, n, from],
  );
}

describe('replay jobs, archive retention and tenant checks (issue 19)', () => {
  let p: TestPlatform;
  let auth: Record<string, string>;
  let tenantId: string;

  beforeAll(async () => {
    p = await startTestPlatform({ LOG_LEVEL: 'error' });
    auth = bearer(p.tenantToken);
    tenantId = (await p.http().get('/api/auth/user').set(auth)).body.tenantId.id;
  });
  afterAll(async () => {
    await p.stop();
  });

  it('runs a long dry run as a job with progress, and a cancel stops it with what it did so far', async () => {
    const converterId = await createConverter(p, DECODER);
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `bb-test/none-${rnd()}`, qos: 1 }] });
    const from = Date.now() - 3_600_000;
    await fillArchive(p, tenantId, integration.id, converterId, 30_000, from);
    const started = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs: from, endTs: Date.now(), dryRun: true, async: true });
    expect(started.status).toBe(202);
    const jobId = started.body.jobId as string;
    const running = await p.http().get(`/api/converter/${converterId}/replay/${jobId}`).set(auth);
    expect(running.body).toMatchObject({ id: jobId, status: 'RUNNING', dryRun: true, total: 30_000, finishedTime: null, result: null });
    await eventually(async () => (await p.http().get(`/api/converter/${converterId}/replay/${jobId}`).set(auth)).body.processed > 0, 20_000);
    const cancelled = await p.http().delete(`/api/converter/${converterId}/replay/${jobId}`).set(auth);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    // the runner stops at its next batch; the job stays CANCELLED, short of its total
    const end = await eventually(async () => {
      const j = (await p.http().get(`/api/converter/${converterId}/replay/${jobId}`).set(auth)).body;
      return j.result ? j : null;
    }, 20_000);
    expect(end.status).toBe('CANCELLED');
    expect(end.processed).toBeLessThan(30_000);
    expect(end.finishedTime).toBeGreaterThan(0);
    expect(end.result.messages).toBe(end.processed);
  });

  it('bounds the replays a tenant runs at once: a third is refused with 429 while another tenant still replays', async () => {
    const converterId = await createConverter(p, DECODER);
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `bb-test/none-${rnd()}`, qos: 1 }] });
    const from = Date.now() - 5_400_000;
    await fillArchive(p, tenantId, integration.id, converterId, 30_000, from);
    const body = { startTs: from, endTs: Date.now(), dryRun: true, async: true };
    const jobs: string[] = [];
    for (let k = 0; k < 2; k++) {
      const r = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send(body);
      expect(r.status).toBe(202);
      jobs.push(r.body.jobId);
    }
    const third = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send(body);
    expect(third.status).toBe(429);
    expect(third.body.message).toContain('already runs 2 replays');
    const test = await p.http().post(`/api/converter/${converterId}/testOnArchive`).set(auth).send({ configuration: { scriptLang: 'JS', decoder: DECODER }, limit: 5 });
    expect(test.status).toBe(429);
    const b = await createTenantWithAdmin(p, `Replay bound ${rnd()}`);
    const bConverter = await createConverter(p, DECODER, b.token);
    const bDry = await p.http().post(`/api/converter/${bConverter}/replay`).set(bearer(b.token)).send({ startTs: 0, endTs: Date.now(), dryRun: true });
    expect(bDry.status).toBe(200);
    for (const id of jobs) await p.http().delete(`/api/converter/${converterId}/replay/${id}`).set(auth);
    // once the cancelled jobs have stopped, the tenant may replay again
    await eventually(async () => {
      for (const id of jobs) if (!(await p.http().get(`/api/converter/${converterId}/replay/${id}`).set(auth)).body.result) return null;
      return true;
    }, 20_000);
    const again = await eventually(async () => {
      const r = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs: 0, endTs: 1, dryRun: true });
      return r.status === 200 ? r : null;
    }, 5_000);
    expect(again.body).toMatchObject({ messages: 0 });
  });

  it('answers FAILED for a running job whose server died (no heartbeat), RUNNING while its server lives', async () => {
    const converterId = await createConverter(p, DECODER);
    const job = async (nodeId: string) => {
      const id = crypto.randomUUID();
      await p.db.query(
        `INSERT INTO replay_job (id, tenant_id, converter_id, status, dry_run, request, total, processed, created_time, node_id)
         VALUES ($1, $2, $3, 'RUNNING', true, '{}', 1000, 500, $4, $5)`,
        [id, tenantId, converterId, Date.now(), nodeId],
      );
      return id;
    };
    const dead = await job('node-that-died-1');
    const live = await job(p.app.get(ClusterNode).id);
    const d = (await p.http().get(`/api/converter/${converterId}/replay/${dead}`).set(auth)).body;
    expect(d).toMatchObject({ status: 'FAILED', processed: 500, error: expect.stringContaining('node-that-died-1') });
    expect(d.finishedTime).toBeGreaterThan(0);
    expect((await p.http().get(`/api/converter/${converterId}/replay/${live}`).set(auth)).body).toMatchObject({ status: 'RUNNING', error: null });
    await p.db.query('DELETE FROM replay_job WHERE id = $1', [live]);
  });

  it('applies a replay as a job and reports its result', async () => {
    const converterId = await createConverter(p, DECODER);
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `bb-test/none-${rnd()}`, qos: 1 }] });
    const from = Date.now() - 7_200_000;
    await fillArchive(p, tenantId, integration.id, converterId, 700, from);
    const started = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs: from, endTs: from + 10_000, dryRun: false, async: true });
    expect(started.status).toBe(202);
    const done = await eventually(async () => {
      const j = (await p.http().get(`/api/converter/${converterId}/replay/${started.body.jobId}`).set(auth)).body;
      return j.status !== 'RUNNING' ? j : null;
    }, 30_000);
    expect(done).toMatchObject({ status: 'DONE', total: 700, processed: 700, result: { messages: 700, stored: 700, failed: 0 }, error: null });
    const dev = await deviceByName(p, 'fill-dev');
    const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${dev!.id.id}/values/timeseries?keys=v&startTs=${from}&endTs=${from + 10_000}&limit=1000`).set(auth);
    expect(r.body.v).toHaveLength(700);
    expect(Math.min(...r.body.v.map((x: { ts: number }) => x.ts))).toBe(from + 1);
  });

  it('refuses bad requests with the field named, and another tenant gets 404 for the converter, the job and the integration', async () => {
    const converterId = await createConverter(p, DECODER);
    const bad = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs: 10, endTs: 5, dryRun: true });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('endTs');
    const noDry = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs: 0, endTs: 5 });
    expect(noDry.status).toBe(400);
    expect(JSON.stringify(noDry.body)).toContain('dryRun');
    const limit = await p.http().post(`/api/converter/${converterId}/testOnArchive`).set(auth).send({ configuration: { scriptLang: 'JS', decoder: DECODER }, limit: 501 });
    expect(limit.status).toBe(400);
    expect(JSON.stringify(limit.body)).toContain('limit');
    const ids = await p.http().delete(`/api/integration/${(await createIntegration(p, { converterId, filters: [{ filter: `bb-test/x-${rnd()}`, qos: 0 }] })).id}/quarantine?ids=nope`).set(auth);
    expect(ids.status).toBe(400);

    const job = await p.http().post(`/api/converter/${converterId}/replay`).set(auth).send({ startTs: 0, endTs: 1, dryRun: true, async: true });
    const b = await createTenantWithAdmin(p, `Replay B ${rnd()}`);
    const other = bearer(b.token);
    expect((await p.http().post(`/api/converter/${converterId}/replay`).set(other).send({ startTs: 0, endTs: 1, dryRun: true })).status).toBe(404);
    expect((await p.http().get(`/api/converter/${converterId}/replay/${job.body.jobId}`).set(other)).status).toBe(404);
    expect((await p.http().delete(`/api/converter/${converterId}/replay/${job.body.jobId}`).set(other)).status).toBe(404);
    const bConverter = await createConverter(p, DECODER, b.token);
    // B's own converter cannot name A's job or A's integration
    expect((await p.http().get(`/api/converter/${bConverter}/replay/${job.body.jobId}`).set(other)).status).toBe(404);
    const aIntegration = await createIntegration(p, { converterId, filters: [{ filter: `bb-test/y-${rnd()}`, qos: 0 }] });
    expect((await p.http().post(`/api/converter/${bConverter}/replay`).set(other).send({ startTs: 0, endTs: 1, integrationId: aIntegration.id, dryRun: true })).status).toBe(404);
  });

  it('reprocessing keeps what still fails, with its new error and one more attempt; DELETE discards by id, then all', async () => {
    const converterId = await createConverter(p, 'throw new Error("still broken");');
    const topic = `bb-test/q-${rnd()}`;
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `${topic}/#`, qos: 1 }] });
    await waitStatus(p, integration.id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    for (const k of [1, 2, 3]) await pub.publishAsync(`${topic}/d`, `m${k}`, { qos: 1 });
    await pub.endAsync();
    const page = async () => (await p.http().get(`/api/integration/${integration.id}/quarantine?pageSize=10&page=0`).set(auth)).body;
    await eventually(async () => ((await page()).data.length === 3 ? true : null), 15_000);
    const saved = (await p.http().get(`/api/converter/${converterId}`).set(auth)).body;
    await p.http().post('/api/converter').set(auth).send({ ...saved, configuration: { scriptLang: 'JS', decoder: 'throw new Error("broken differently");' } });
    const first = (await page()).data[0];
    const re = await p.http().post(`/api/integration/${integration.id}/quarantine/reprocess`).set(auth).send({ ids: [first.id] });
    expect(re.body).toEqual({ reprocessed: 1, stored: 0, failed: 1 });
    const after = (await page()).data.find((m: { id: string }) => m.id === first.id);
    expect(after).toMatchObject({ attempts: 2, errorCode: 'SCRIPT_ERROR', error: expect.stringContaining('broken differently') });
    const one = await p.http().delete(`/api/integration/${integration.id}/quarantine?ids=${first.id}`).set(auth);
    expect(one.body).toEqual({ deleted: 1 });
    expect((await page()).totalElements).toBe(2);
    const all = await p.http().delete(`/api/integration/${integration.id}/quarantine`).set(auth);
    expect(all.body).toEqual({ deleted: 2 });
    expect((await p.http().get(`/api/integration/${integration.id}/status`).set(auth)).body.quarantined).toBe(0);
  });

  it('keeps whole days for RAW_RETENTION_DAYS and drops older ones, creating the days ahead', async () => {
    const converterId = await createConverter(p, DECODER);
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `bb-test/none-${rnd()}`, qos: 1 }] });
    const now = Date.now();
    await fillArchive(p, tenantId, integration.id, converterId, 1, now - 10 * DAY);
    await fillArchive(p, tenantId, integration.id, converterId, 1, now - 3 * DAY);
    const before = (await listPartitions(p.db, 'raw_message')).length;
    const r = await new RawArchiveExpiry(p.db, 7, () => now).runOnce();
    expect(r.ran).toBe(true);
    expect(r.dropped).toHaveLength(1);
    const left = await p.db.query<{ received_time: string }>('SELECT received_time FROM raw_message WHERE converter_id = $1', [converterId]);
    expect(left.map((x) => Number(x.received_time))).toEqual([now - 3 * DAY + 1]);
    const parts = await listPartitions(p.db, 'raw_message');
    expect(parts.length).toBe(before - 1);
    expect(parts[parts.length - 1]!.to).toBeGreaterThan(now + DAY);
  });
});

describe('RAW_RETENTION_DAYS=0 (issue 19)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ LOG_LEVEL: 'error', RAW_RETENTION_DAYS: '0' });
  });
  afterAll(async () => {
    await p.stop();
  });

  it('archives nothing while uplinks are still stored, and a replay finds nothing', async () => {
    const converterId = await createConverter(p, DECODER);
    const topic = `bb-test/off-${rnd()}`;
    const integration = await createIntegration(p, { converterId, filters: [{ filter: `${topic}/#`, qos: 1 }] });
    await waitStatus(p, integration.id, 'CONNECTED');
    const pub = await publisher(p.mqttUrl);
    const device = `off-dev-${rnd()}`;
    await pub.publishAsync(`${topic}/x`, JSON.stringify({ n: device, v: 1 }), { qos: 1 });
    await pub.endAsync();
    await eventually(() => deviceByName(p, device));
    const [n] = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM raw_message');
    expect(Number(n!.n)).toBe(0);
    const dry = await p.http().post(`/api/converter/${converterId}/replay`).set(bearer(p.tenantToken)).send({ startTs: 0, endTs: Date.now(), dryRun: true });
    expect(dry.body).toMatchObject({ messages: 0, changed: 0 });
  });
});
