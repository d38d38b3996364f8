import request from 'supertest';
import { bearer, createTestDatabase } from '../../../test/helpers.js';
import { loadConfig } from '../../config/config.js';
import { startPlatform, type RunningPlatform } from '../../app.js';
import { openDatabase } from '../../database/db.js';
import { listPartitions } from '../../database/partitions.js';
import { TsKvPartitioned1765800000000 } from '../../database/migrations/1765800000000-ts-kv-partitioned.js';
import { TelemetryService } from './telemetry.service.js';
import { migrateOldTsKv } from './ts-kv-migration.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 7, 1); // 1 Aug 2026: 2,000 hourly points reach into October

/**
 * An installation from before issue 18: the old unpartitioned ts_kv with text keys and data in it.
 * The upgrade moves it into the partitioned layout in batches; a crash halfway loses nothing and
 * copies nothing twice; afterwards every point reads back through the API.
 */
describe('moving an old ts_kv into the partitioned layout', () => {
  let url: string;
  let drop: () => Promise<void>;
  let platform: RunningPlatform | null = null;
  const config = () =>
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, EMBEDDED_BROKER: 'off', BCRYPT_ROUNDS: '4', LOG_LEVEL: 'warn', TS_KV_MIGRATION_BATCH: '1000' });
  let deviceId: string;
  let token: string;

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
    // A platform of today makes the tenant and a device…
    const c = config();
    platform = await startPlatform(c, { quiet: true });
    const http = request(platform.app.getHttpServer());
    token = (await http.post('/api/auth/login').send({ username: c.TENANT_EMAIL, password: c.TENANT_PASSWORD })).body.token;
    deviceId = (await request(platform.app.getHttpServer()).post('/api/device').set(bearer(token)).send({ name: 'Old-1', type: 'sensor' })).body.id.id;
    await platform.app.get(TelemetryService).migration; // its (empty) old table moved and dropped
    await platform.close();
    platform = null;
    // …then the database goes back to the layout before the migration, with the old table populated.
    const db = await openDatabase(url, 2);
    const qr = db.dataSource.createQueryRunner();
    await new TsKvPartitioned1765800000000().down(qr);
    await qr.release();
    await db.query(`DELETE FROM migrations WHERE name = 'TsKvPartitioned1765800000000'`);
    await db.query(
      `INSERT INTO ts_kv (entity_id, key, ts, long_v, dbl_v)
       SELECT $1::uuid, k, $2::bigint + i::bigint * ${HOUR}, CASE WHEN k = 'count' THEN i END, CASE WHEN k <> 'count' THEN i + 0.5 END
       FROM unnest(ARRAY['temp', 'hum', 'count']) k, generate_series(0, 1999) i`,
      [deviceId, START],
    );
    // other devices, and one point far outside any partition (1970)
    await db.query(
      `INSERT INTO ts_kv (entity_id, key, ts, dbl_v)
       SELECT gen_random_uuid(), 'k' || k, $1::bigint + i::bigint * ${HOUR}, i FROM generate_series(1, 50) d, generate_series(1, 2) k, generate_series(0, 99) i`,
      [START],
    );
    await db.query(`INSERT INTO ts_kv (entity_id, key, ts, str_v) VALUES ($1, 'note', 5000, 'from 1970')`, [deviceId]);
    await db.close();
  }, 120000);
  afterAll(async () => {
    await platform?.close();
    await drop();
  });

  it('copies in batches, survives a crash halfway, resumes at the next start and drops the old table', async () => {
    // The upgrade: the migration renames the old table; a point written since the upgrade must win over the old one.
    const db = await openDatabase(url, 2);
    expect(Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_old'))[0]!.n)).toBe(6000 + 10_000 + 1);
    await db.query(
      `WITH k AS (INSERT INTO ts_kv_dictionary (key) VALUES ('temp') RETURNING key_id)
       INSERT INTO ts_kv (entity_id, key, ts, dbl_v) SELECT $1, key_id, $2, 1234.5 FROM k`,
      [deviceId, START + 10 * HOUR],
    );
    const logs: string[] = [];
    // a "crash" after 3 batches of 1,000
    const half = await migrateOldTsKv(db, { unit: 'MONTHS', batch: 1000, log: (m) => logs.push(m), stopAfter: 3 });
    expect(half).toEqual({ copied: 3000, total: 16_001, done: false });
    expect(logs.at(-1)).toBe('ts_kv: moved 3000 of 16001 points (18%)');
    expect((await db.query('SELECT copied FROM ts_kv_migration'))).toEqual([{ copied: '3000' }]);
    // the months of the old points have partitions; 1970 stays in the default partition
    expect((await listPartitions(db, 'ts_kv')).map((p) => p.name)).toEqual(expect.arrayContaining(['ts_kv_2026_08', 'ts_kv_2026_09', 'ts_kv_2026_10']));
    await db.close();

    // The next start continues where the crash left off (in the background, once per cluster).
    platform = await startPlatform(config(), { quiet: true });
    const done = (await platform.app.get(TelemetryService).migration) as { ran: boolean; result: unknown };
    expect(done).toEqual({ ran: true, result: { copied: 16_001, total: 16_001, done: true } });
    const [left] = await platform.db.query<{ old: string | null; state: string }>(
      `SELECT to_regclass('ts_kv_old')::text AS old, (SELECT count(*) FROM ts_kv_migration) AS state`,
    );
    expect(left).toEqual({ old: null, state: '0' });
    expect(Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv'))[0]!.n)).toBe(16_001);
    expect(Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_default'))[0]!.n)).toBe(1);
  }, 120000);

  it('serves the moved points through the API: raw, aggregated, far outside, and the newer point where both had one', async () => {
    const get = async (q: string) =>
      (await request(platform!.app.getHttpServer()).get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?useStrictDataTypes=true&${q}`).set(bearer(token))).body;
    const end = START + 2000 * HOUR;
    const raw = await get(`keys=temp,count&startTs=${START}&endTs=${end}&limit=5000&orderBy=ASC`);
    expect(raw.temp).toHaveLength(2000);
    expect(raw.count).toHaveLength(2000);
    expect(raw.temp[0]).toEqual({ ts: START, value: 0.5 });
    expect(raw.temp[10]).toEqual({ ts: START + 10 * HOUR, value: 1234.5 });
    expect(raw.count[1999]).toEqual({ ts: START + 1999 * HOUR, value: 1999 });
    // sum of 0..1999 = 1,999,000, by 1,000-hour buckets: 0..999 = 499,500 and 1000..1999 = 1,499,500
    expect((await get(`keys=count&startTs=${START}&endTs=${end}&agg=SUM&interval=${1000 * HOUR}&orderBy=ASC`)).count).toEqual([
      { ts: START + 500 * HOUR, value: 499_500 },
      { ts: START + 1500 * HOUR, value: 1_499_500 },
    ]);
    expect((await get('keys=note&startTs=0&endTs=10000')).note).toEqual([{ ts: 5000, value: 'from 1970' }]);
  });
});
