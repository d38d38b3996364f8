import { bearer, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

/** The contracts.md reads stay on indexes with a million history rows. */
describe('telemetry reads at scale', () => {
  let p: TestPlatform;
  let deviceId: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    deviceId = (await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: 'Big-1', type: 'sensor' })).body.id.id;
    // 100 devices x 10 keys x 1,000 points = 1,000,000 rows; ours is one of them
    await p.db.query(
      `WITH keys AS (INSERT INTO ts_kv_dictionary (key) SELECT 'k' || k FROM generate_series(0, 9) k RETURNING key, key_id),
            ents AS (INSERT INTO ts_kv_entity (entity_id) SELECT CASE WHEN d = 0 THEN $1::uuid ELSE gen_random_uuid() END
                     FROM generate_series(0, 99) d RETURNING entity_idx)
       INSERT INTO ts_kv (entity_idx, key, ts, dbl_v)
       SELECT ents.entity_idx, keys.key_id, 1700000000000 + t * 1000, random()
       FROM ents, keys, generate_series(0, 999) t`,
      [deviceId],
    );
    // 10,000 more devices with 10 latest values each
    await p.db.query(
      `INSERT INTO device (id, created_time, tenant_id, name, type, device_profile_id)
       SELECT gen_random_uuid(), 0, d.tenant_id, 'Other-' || i, 'sensor', d.device_profile_id FROM device d, generate_series(1, 10000) i WHERE d.id = $1`,
      [deviceId],
    );
    await p.db.query(
      `INSERT INTO ts_kv_latest (entity_id, key, ts, dbl_v) SELECT d.id, 'k' || k, 1700000999000, 1 FROM device d, generate_series(0, 9) k`,
    );
    await p.db.query('ANALYZE ts_kv; ANALYZE ts_kv_latest');
  }, 120000);
  afterAll(async () => {
    await p.stop();
  });

  /** Runs a REST read, captures the SQL it issued and returns the plans of the telemetry statements. */
  async function plansOf(path: string): Promise<{ status: number; ms: number; plans: string[] }> {
    const seen: { sql: string; params?: unknown[] }[] = [];
    const orig = p.db.query.bind(p.db);
    p.db.query = (async (sql: string, params?: unknown[]) => {
      seen.push({ sql, params });
      return orig(sql, params);
    }) as typeof p.db.query;
    const t0 = Date.now();
    let status: number;
    try {
      status = (await p.http().get(`/api/plugins/telemetry/DEVICE/${deviceId}/${path}`).set(bearer(p.tenantToken))).status;
    } finally {
      p.db.query = orig;
    }
    const ms = Date.now() - t0;
    const plans: string[] = [];
    for (const q of seen.filter((s) => /ts_kv/.test(s.sql))) {
      const rows = await p.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, q.params);
      plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
    return { status, ms, plans };
  }

  it.each([
    ['keys', 'keys/timeseries'],
    ['latest values', 'values/timeseries?keys=k1,k2'],
    ['history, newest 100', 'values/timeseries?keys=k1,k2&startTs=1700000000000&endTs=1700001000000&limit=100'],
    ['history, averaged per minute', 'values/timeseries?keys=k1&startTs=1700000000000&endTs=1700001000000&agg=AVG&interval=60000'],
  ])('%s use an index, not a scan of the whole table', async (_what, path) => {
    const r = await plansOf(path);
    expect(r.status).toBe(200);
    expect(r.plans.length).toBeGreaterThan(0);
    for (const plan of r.plans) {
      // ts_kv is partitioned: a scan of an empty partition is free; one of a partition holding rows is not.
      for (const [, rel] of plan.matchAll(/Seq Scan on (ts_kv\w*)/g)) {
        const [{ n }] = await p.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${rel}`);
        expect(`${rel}: ${n} rows`).toBe(`${rel}: 0 rows`);
      }
      expect(plan).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    }
    expect(r.ms).toBeLessThan(2000);
  });
});
