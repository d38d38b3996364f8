import request from 'supertest';
import { bearer, createTestDatabase } from '../../../test/helpers.js';
import { loadConfig } from '../../config/config.js';
import { startPlatform, type RunningPlatform } from '../../app.js';
import { openDatabase, type Db } from '../../database/db.js';
import { ensurePartitions, listPartitions } from '../../database/partitions.js';
import { TsKvPartitioned1765800000000 } from '../../database/migrations/1765800000000-ts-kv-partitioned.js';
import { TsKvEntityDictionary1766200000000 } from '../../database/migrations/1766200000000-ts-kv-entity-dictionary.js';
import { TelemetryService } from './telemetry.service.js';
import { migrateOldTsKv } from './ts-kv-migration.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 7, 1); // 1 Aug 2026: 2,000 hourly points reach into October
const END = START + 2000 * HOUR;

/**
 * An installation of an earlier layout, populated: a platform of today makes the tenant and a device, then the
 * database goes back through the migrations' `down` to that layout. Returns what the tests read back with.
 */
async function installationOf(url: string, layout: 'text keys' | 'device uuids') {
  const config = () =>
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url, EMBEDDED_BROKER: 'off', BCRYPT_ROUNDS: '4', LOG_LEVEL: 'warn', TS_KV_MIGRATION_BATCH: '1000' });
  const c = config();
  const platform = await startPlatform(c, { quiet: true });
  const http = request(platform.app.getHttpServer());
  const token: string = (await http.post('/api/auth/login').send({ username: c.TENANT_EMAIL, password: c.TENANT_PASSWORD })).body.token;
  const deviceId: string = (await request(platform.app.getHttpServer()).post('/api/device').set(bearer(token)).send({ name: 'Old-1', type: 'sensor' })).body.id.id;
  await platform.app.get(TelemetryService).migration;
  await platform.close();
  const db = await openDatabase(url, 2);
  const qr = db.dataSource.createQueryRunner();
  await new TsKvEntityDictionary1766200000000().down(qr);
  await db.query(`DELETE FROM migrations WHERE name = 'TsKvEntityDictionary1766200000000'`);
  if (layout === 'text keys') {
    await new TsKvPartitioned1765800000000().down(qr);
    await db.query(`DELETE FROM migrations WHERE name = 'TsKvPartitioned1765800000000'`);
  }
  await qr.release();
  return { config, token, deviceId, db };
}

const readApi = (platform: RunningPlatform, token: string, deviceId: string) => async (q: string) =>
  (await request(platform.app.getHttpServer()).get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?useStrictDataTypes=true&${q}`).set(bearer(token))).body;
const count = async (db: Pick<Db, 'query'>, table: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

/**
 * An installation from before issue 18: the old unpartitioned ts_kv with text keys and data in it.
 * The upgrade moves it into the current layout (time partitions, key and device ids) in batches; a crash
 * halfway loses nothing and copies nothing twice; afterwards every point reads back through the API.
 */
describe('moving an old ts_kv (text keys, unpartitioned) into the current layout', () => {
  let url: string;
  let drop: () => Promise<void>;
  let platform: RunningPlatform | null = null;
  let inst: Awaited<ReturnType<typeof installationOf>>;

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
    inst = await installationOf(url, 'text keys');
    const { db, deviceId } = inst;
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
    // The upgrade: both migrations run (the empty partitioned table of the first is dropped by the second);
    // a point written since the upgrade must win over the old one.
    const db = await openDatabase(url, 2);
    expect(await count(db, 'ts_kv_old')).toBe(6000 + 10_000 + 1);
    expect((await db.query(`SELECT to_regclass('ts_kv_uuid') AS t`))[0]).toEqual({ t: null });
    await db.query(
      `WITH k AS (INSERT INTO ts_kv_dictionary (key) VALUES ('temp') RETURNING key_id),
            e AS (INSERT INTO ts_kv_entity (entity_id) VALUES ($1) RETURNING entity_idx)
       INSERT INTO ts_kv (entity_idx, key, ts, dbl_v) SELECT entity_idx, key_id, $2, 1234.5 FROM k, e`,
      [inst.deviceId, START + 10 * HOUR],
    );
    const logs: string[] = [];
    // a "crash" after 3 batches of 1,000
    const half = await migrateOldTsKv(db, { unit: 'MONTHS', batch: 1000, log: (m) => logs.push(m), stopAfter: 3 });
    expect(half).toEqual({ copied: 3000, total: 16_001, done: false });
    expect(logs.at(-1)).toBe('ts_kv: moved 3000 of 16001 points (18%)');
    expect(await db.query('SELECT id, copied FROM ts_kv_migration')).toEqual([{ id: 1, copied: '3000' }]);
    // the months of the old points have partitions; 1970 stays in the default partition
    expect((await listPartitions(db, 'ts_kv')).map((p) => p.name)).toEqual(expect.arrayContaining(['ts_kv_2026_08', 'ts_kv_2026_09', 'ts_kv_2026_10']));
    await db.close();

    // The next start continues where the crash left off (in the background, once per cluster).
    platform = await startPlatform(inst.config(), { quiet: true });
    const done = (await platform.app.get(TelemetryService).migration) as { ran: boolean; result: unknown };
    expect(done).toEqual({ ran: true, result: { copied: 16_001, total: 16_001, done: true } });
    const [left] = await platform.db.query<{ old: string | null; state: string }>(
      `SELECT to_regclass('ts_kv_old')::text AS old, (SELECT count(*) FROM ts_kv_migration) AS state`,
    );
    expect(left).toEqual({ old: null, state: '0' });
    expect(await count(platform.db, 'ts_kv')).toBe(16_001);
    expect(await count(platform.db, 'ts_kv_default')).toBe(1);
    expect(await count(platform.db, 'ts_kv_entity')).toBe(10_001); // every other point has a device of its own
  }, 120000);

  it('serves the moved points through the API: raw, aggregated, far outside, and the newer point where both had one', async () => {
    const get = readApi(platform!, inst.token, inst.deviceId);
    const raw = await get(`keys=temp,count&startTs=${START}&endTs=${END}&limit=5000&orderBy=ASC`);
    expect(raw.temp).toHaveLength(2000);
    expect(raw.count).toHaveLength(2000);
    expect(raw.temp[0]).toEqual({ ts: START, value: 0.5 });
    expect(raw.temp[10]).toEqual({ ts: START + 10 * HOUR, value: 1234.5 });
    expect(raw.count[1999]).toEqual({ ts: START + 1999 * HOUR, value: 1999 });
    // sum of 0..1999 = 1,999,000, by 1,000-hour buckets: 0..999 = 499,500 and 1000..1999 = 1,499,500
    expect((await get(`keys=count&startTs=${START}&endTs=${END}&agg=SUM&interval=${1000 * HOUR}&orderBy=ASC`)).count).toEqual([
      { ts: START + 500 * HOUR, value: 499_500 },
      { ts: START + 1500 * HOUR, value: 1_499_500 },
    ]);
    expect((await get('keys=note&startTs=0&endTs=10000')).note).toEqual([{ ts: 5000, value: 'from 1970' }]);
  });
});

/**
 * An installation of the first partitioned layout (device uuids in every row), populated, whose move of an
 * even older ts_kv_old had stopped halfway. The upgrade renames the partitioned tree ts_kv_uuid and moves
 * both into the current layout at start-up, partition by partition (each dropped once moved), resumable.
 */
describe('moving the partitioned ts_kv with device uuids (and an unfinished ts_kv_old) into the current layout', () => {
  let url: string;
  let drop: () => Promise<void>;
  let platform: RunningPlatform | null = null;
  let inst: Awaited<ReturnType<typeof installationOf>>;
  const LEGACY = 200;

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
    inst = await installationOf(url, 'device uuids');
    const { db, deviceId } = inst;
    await ensurePartitions(db, 'ts_kv', 'MONTHS', START, END);
    await db.query(`INSERT INTO ts_kv_dictionary (key) VALUES ('temp'), ('hum'), ('count'), ('legacy'), ('note'), ('k1'), ('k2') ON CONFLICT DO NOTHING`);
    const id = `(SELECT key_id FROM ts_kv_dictionary WHERE key = k)`;
    await db.query(
      `INSERT INTO ts_kv (entity_id, key, ts, long_v, dbl_v)
       SELECT $1::uuid, ${id}, $2::bigint + i::bigint * ${HOUR}, CASE WHEN k = 'count' THEN i END, CASE WHEN k <> 'count' THEN i + 0.5 END
       FROM unnest(ARRAY['temp', 'hum', 'count']) k, generate_series(0, 1999) i`,
      [deviceId, START],
    );
    await db.query(
      `INSERT INTO ts_kv (entity_id, key, ts, dbl_v)
       SELECT gen_random_uuid(), ${id}, $1::bigint + i::bigint * ${HOUR}, i FROM generate_series(1, 50) d, unnest(ARRAY['k1', 'k2']) k, generate_series(0, 99) i`,
      [START],
    );
    await db.query(`INSERT INTO ts_kv (entity_id, key, ts, str_v) SELECT $1, key_id, 5000, 'from 1970' FROM ts_kv_dictionary WHERE key = 'note'`, [deviceId]);
    // The move of ts_kv_old (text keys) stopped after its first 100 rows, which are already in the partitioned table;
    // its temp point at START + 10 h is older than the partitioned table's and must lose.
    await db.query(`CREATE TABLE ts_kv_old (entity_id uuid NOT NULL, key text NOT NULL, ts bigint NOT NULL, bool_v boolean, long_v bigint,
      dbl_v double precision, str_v text, json_v jsonb, PRIMARY KEY (entity_id, key, ts))`);
    await db.query(
      `INSERT INTO ts_kv_old (entity_id, key, ts, long_v) SELECT $1::uuid, 'legacy', $2::bigint + i * 60000, i FROM generate_series(0, ${LEGACY - 1}) i
       UNION ALL SELECT $1::uuid, 'temp', $2::bigint + 10 * ${HOUR}, 999`,
      [deviceId, START],
    );
    await db.query(
      `INSERT INTO ts_kv (entity_id, key, ts, long_v) SELECT entity_id, (SELECT key_id FROM ts_kv_dictionary WHERE key = 'legacy'), ts, long_v
       FROM ts_kv_old WHERE key = 'legacy' ORDER BY ts LIMIT 100`,
    );
    await db.query(`INSERT INTO ts_kv_migration (id, started_at, total, copied, last_entity_id, last_key, last_ts) VALUES (1, 0, $1, 100, $2, 'legacy', $3)`, [
      LEGACY + 1,
      deviceId,
      START + 99 * 60000,
    ]);
    await db.close();
  }, 120000);
  afterAll(async () => {
    await platform?.close();
    await drop();
  });

  const inUuidTable = 6000 + 10_000 + 1 + 100;

  it('renames the partitioned tree, moves it partition by partition, survives a crash and then moves the rest of ts_kv_old', async () => {
    const db = await openDatabase(url, 2);
    // the migration renamed the table, its partitions and their indexes; today's ts_kv starts empty
    const [names] = await db.query<{ t: string | null; p: string | null; i: string | null; d: string | null }>(
      `SELECT to_regclass('ts_kv_uuid')::text AS t, to_regclass('ts_kv_uuid_2026_08')::text AS p,
              to_regclass('ts_kv_uuid_2026_08_pkey')::text AS i, to_regclass('ts_kv_uuid_default')::text AS d`,
    );
    expect(names).toEqual({ t: 'ts_kv_uuid', p: 'ts_kv_uuid_2026_08', i: 'ts_kv_uuid_2026_08_pkey', d: 'ts_kv_uuid_default' });
    expect(await count(db, 'ts_kv_uuid')).toBe(inUuidTable);
    expect(await count(db, 'ts_kv')).toBe(0);
    const logs: string[] = [];
    // a "crash" after 2 batches: the default partition's one row (then that partition is dropped), 1,000 of August's
    const half = await migrateOldTsKv(db, { unit: 'MONTHS', batch: 1000, log: (m) => logs.push(m), stopAfter: 2 });
    const total = inUuidTable + LEGACY + 1;
    expect(half).toEqual({ copied: 100 + 1001, total, done: false });
    expect(logs[0]).toBe(`ts_kv: moving ${inUuidTable} points of ts_kv_uuid into the current layout (batches of 1000)`);
    expect(logs[1]).toBe(`ts_kv: resuming the move of ts_kv_old at 100 of ${LEGACY + 1} points`);
    expect((await db.query(`SELECT to_regclass('ts_kv_uuid_default') AS d`))[0]).toEqual({ d: null });
    expect(await db.query('SELECT id, copied FROM ts_kv_migration ORDER BY id')).toEqual([
      { id: 1, copied: '100' },
      { id: 2, copied: '1001' },
    ]);
    expect(await count(db, 'ts_kv')).toBe(1001);
    await db.close();

    platform = await startPlatform(inst.config(), { quiet: true });
    const done = (await platform.app.get(TelemetryService).migration) as { ran: boolean; result: unknown };
    expect(done).toEqual({ ran: true, result: { copied: total, total, done: true } });
    const [left] = await platform.db.query(
      `SELECT to_regclass('ts_kv_old')::text AS old, to_regclass('ts_kv_uuid')::text AS uuid, (SELECT count(*) FROM ts_kv_migration) AS state`,
    );
    expect(left).toEqual({ old: null, uuid: null, state: '0' });
    // every (device, key, ts) once: the old temp point at START + 10 h and the 100 legacy points were already there
    expect(await count(platform.db, 'ts_kv')).toBe(inUuidTable + LEGACY - 100);
    expect(await count(platform.db, 'ts_kv_default')).toBe(1);
  }, 120000);

  it('serves the moved points through the API and the newer of two points with the same time', async () => {
    const get = readApi(platform!, inst.token, inst.deviceId);
    const raw = await get(`keys=temp,count,legacy&startTs=${START}&endTs=${END}&limit=5000&orderBy=ASC`);
    expect(raw.temp).toHaveLength(2000);
    expect(raw.temp[10]).toEqual({ ts: START + 10 * HOUR, value: 10.5 });
    expect(raw.count[1999]).toEqual({ ts: START + 1999 * HOUR, value: 1999 });
    expect(raw.legacy.map((p: { value: number }) => p.value)).toEqual(Array.from({ length: LEGACY }, (_, i) => i));
    expect((await get(`keys=count&startTs=${START}&endTs=${END}&agg=SUM&interval=${1000 * HOUR}&orderBy=ASC`)).count).toEqual([
      { ts: START + 500 * HOUR, value: 499_500 },
      { ts: START + 1500 * HOUR, value: 1_499_500 },
    ]);
    expect((await get('keys=note&startTs=0&endTs=10000')).note).toEqual([{ ts: 5000, value: 'from 1970' }]);
  });
});
