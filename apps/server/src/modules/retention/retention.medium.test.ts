import { randomUUID } from 'node:crypto';
import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { RetentionService } from './retention.service.js';
import { deleteInBatches } from './retention.js';
import { listPartitions } from '../../database/partitions.js';
import { runOncePerCluster } from '../../database/cluster-lock.js';

const DAY = 86_400_000;

/** TELEMETRY_TTL_DAYS, a tenant's own TTL set by the sysadmin, debug events, the default partition. */
describe('retention of time series and debug events', () => {
  let p: TestPlatform;
  let retention: RetentionService;
  const now = Date.now();
  const ages = [40, 10, 1];
  const tenants: Record<'a' | 'b' | 'c', { tenantId: string; token: string; device: string }> = {} as never;

  const device = async (token: string, name: string) =>
    (await p.http().post('/api/device').set(bearer(token)).send({ name, type: 'sensor' })).body.id.id as string;
  const write = async (t: { token: string; device: string }, ts: number, v: number) => {
    const r = await p.http().post(`/api/plugins/telemetry/DEVICE/${t.device}/timeseries/ANY`).set(bearer(t.token)).send([{ ts, values: { temp: v } }]);
    expect(r.status).toBe(200);
  };
  /** the ages (days) of the points the tenant can still read */
  const ageDays = async (t: { token: string; device: string }) => {
    const r = await p
      .http()
      .get(`/api/plugins/telemetry/DEVICE/${t.device}/values/timeseries?keys=temp&startTs=0&endTs=${now + DAY}&limit=1000&useStrictDataTypes=true`)
      .set(bearer(t.token));
    expect(r.status).toBe(200);
    return ((r.body.temp ?? []) as { value: number }[]).map((x) => x.value);
  };
  const setTtl = (tenantId: string, title: string, telemetryTtlDays: number | null) =>
    p.http().post('/api/tenant').set(bearer(p.sysadminToken)).send({ id: { entityType: 'TENANT', id: tenantId }, title, telemetryTtlDays });

  beforeAll(async () => {
    p = await startTestPlatform({ TELEMETRY_TTL_DAYS: '30', TS_PARTITION: 'DAYS' });
    retention = p.app.get(RetentionService);
    const me = await p.http().get('/api/auth/user').set(bearer(p.tenantToken));
    tenants.a = { tenantId: me.body.tenantId.id, token: p.tenantToken, device: await device(p.tenantToken, 'A-1') };
    for (const k of ['b', 'c'] as const) {
      const t = await createTenantWithAdmin(p, `Retention ${k}`);
      tenants[k] = { ...t, device: await device(t.token, `${k}-1`) };
    }
    // value = age in days, so what survives is readable at a glance
    for (const t of Object.values(tenants)) for (const age of ages) await write(t, now - age * DAY, age);
  }, 60000);
  afterAll(async () => {
    await p.stop();
  });

  it('lets only the sysadmin set a tenant TTL, and refuses one that is not a whole number of days', async () => {
    const bad = await setTtl(tenants.b.tenantId, 'Retention b', -1);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/telemetryTtlDays/);
    const asTenant = await p
      .http()
      .post('/api/tenant')
      .set(bearer(tenants.b.token))
      .send({ id: { entityType: 'TENANT', id: tenants.b.tenantId }, title: 'x', telemetryTtlDays: 0 });
    expect(asTenant.status).toBe(403);
    const ok = await setTtl(tenants.b.tenantId, 'Retention b', 5);
    expect(ok.status).toBe(200);
    expect(ok.body.telemetryTtlDays).toBe(5);
    expect((await p.http().get(`/api/tenant/${tenants.b.tenantId}`).set(bearer(p.sysadminToken))).body.telemetryTtlDays).toBe(5);
  });

  it('drops the partitions past every TTL, deletes the rest of the expired points, keeps younger ones; a tenant TTL wins', async () => {
    const run = await retention.runNow(now);
    // the points arrived before their day partitions existed: the upkeep moved them into their own
    expect(run.created).toEqual(expect.arrayContaining(ages.map((age) => `ts_kv_${new Date(now - age * DAY).toISOString().slice(0, 10).replaceAll('-', '_')}`)));
    const days = (await listPartitions(p.db, 'ts_kv')).map((x) => x.from);
    for (const age of ages.slice(1)) expect(days).toContain(Math.floor((now - age * DAY) / DAY) * DAY);
    expect(run.ran).toBe(true);
    const ts = run.reports.find((r) => r.table === 'ts_kv')!;
    // TTLs 30 (default, a and c) and 5 (b): the day of the 40-day-old points is past both, dropped whole
    expect(ts.dropped).toContain(`ts_kv_${new Date(now - 40 * DAY).toISOString().slice(0, 10).replaceAll('-', '_')}`);
    expect(ts.deleted).toBe(1); // b's 10-day-old point, deleted row by row
    expect(await ageDays(tenants.a)).toEqual([1, 10]);
    expect(await ageDays(tenants.b)).toEqual([1]);
    expect(await ageDays(tenants.c)).toEqual([1, 10]);
  });

  it('keeps everything of a tenant whose TTL is 0 (forever) while the others expire', async () => {
    expect((await setTtl(tenants.c.tenantId, 'Retention c', 0)).status).toBe(200);
    for (const t of [tenants.a, tenants.c]) await write(t, now - 40 * DAY, 40);
    const run = await retention.runNow(now);
    const ts = run.reports.find((r) => r.table === 'ts_kv')!;
    expect(ts.dropped).toEqual([]); // c keeps everything: no partition is past every TTL
    expect(ts.deleted).toBe(1); // a's new 40-day-old point
    expect(await ageDays(tenants.a)).toEqual([1, 10]);
    expect(await ageDays(tenants.c)).toEqual([1, 10, 40]);
  });

  it('keeps points far outside every partition in the default partition, readable and reported', async () => {
    await write(tenants.a, 1000, 7);
    const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${tenants.a.device}/values/timeseries?keys=temp&startTs=0&endTs=2000`).set(bearer(tenants.a.token));
    expect(r.body.temp).toEqual([{ ts: 1000, value: '7' }]);
    const run = await retention.runNow(now);
    expect(run.outside.ts_kv).toBe(1);
    const metrics = await p.http().get('/metrics');
    expect(metrics.text).toMatch(/bridgeboard_partition_default_rows\{table="ts_kv"\} 1/);
    // …and past the TTL, so it goes too
    expect(run.reports.find((x) => x.table === 'ts_kv')!.deleted).toBe(1);
    expect((await retention.runNow(now)).outside.ts_kv).toBe(0);
  });

  it('removes debug events older than DEBUG_EVENTS_TTL_DAYS', async () => {
    const add = (ts: number) =>
      p.db.query(`INSERT INTO debug_event (id, tenant_id, entity_type, entity_id, ts, type, body) VALUES ($1, $2, 'DEVICE', $3, $4, 'STATS', '{}')`, [
        randomUUID(),
        tenants.a.tenantId,
        tenants.a.device,
        ts,
      ]);
    await add(now - (p.config.DEBUG_EVENTS_TTL_DAYS + 1) * DAY);
    await add(now - DAY);
    const run = await retention.runNow(now);
    expect(run.reports.find((x) => x.table === 'debug_event')!.deleted).toBe(1);
    const left = await p.db.query<{ ts: string }>('SELECT ts FROM debug_event WHERE entity_id = $1', [tenants.a.device]);
    expect(left.map((x) => Number(x.ts))).toEqual([now - DAY]);
  });

  it('deletes every matching row in one run whatever order the plan returns rows in', async () => {
    // Two devices' rows interleaved in the heap (as ingest writes them); on a connection whose planner
    // may only use the primary key, the rows to delete come in index order (device by device), not in
    // heap order, as a parallel scan or a join on the device also returns them. Batches of 50.
    await p.db.query('CREATE TABLE retention_order (entity_id uuid NOT NULL, ts bigint NOT NULL, PRIMARY KEY (entity_id, ts))');
    const [a, b, keep] = [randomUUID(), randomUUID(), randomUUID()];
    await p.db.query(
      'INSERT INTO retention_order SELECT e, t FROM generate_series(1, 100) t, unnest($1::uuid[]) e ORDER BY t, e',
      [[a, b, keep]],
    );
    const client = await p.db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off; SET enable_tidscan = off; SET enable_bitmapscan = off');
      const q = { query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[] };
      const deleted = await deleteInBatches(q, 'retention_order', 'entity_id = ANY($1::uuid[])', [[a, b]], 50);
      expect(deleted).toBe(200);
    } finally {
      client.release();
    }
    const left = await p.db.query<{ entity_id: string; n: string }>('SELECT entity_id, count(*) AS n FROM retention_order GROUP BY 1');
    expect(left).toEqual([{ entity_id: keep, n: '100' }]);
    await p.db.query('DROP TABLE retention_order');
  });

  it('runs once per cluster: while another node runs it, this one skips it', async () => {
    let release!: () => void;
    const other = runOncePerCluster(p.db, 'retention', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 100));
    expect((await retention.runNow(now)).ran).toBe(false);
    release();
    await other;
    expect((await retention.runNow(now)).ran).toBe(true);
  });
});
