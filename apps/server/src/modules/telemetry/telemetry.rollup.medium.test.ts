import type { IntervalType } from '@bridgeboard/contracts';
import { bearer, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';
import { Db } from '../../database/db.js';
import { TelemetryRepository } from './telemetry.repository.js';
import { TelemetryService } from './telemetry.service.js';

const HOUR = 3_600_000;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const AGGS = ['AVG', 'MIN', 'MAX', 'SUM', 'COUNT'] as const;

/**
 * The hourly rollup (ts_kv_rollup_hour) gives the answers of the raw points: the same aggregate queries
 * read with the rollup and from raw points only are equal, for hourly and daily fixed intervals, weeks and
 * months across the DST change in Europe/Berlin, a half-hour zone (Asia/Kolkata: raw), ranges that start
 * and end mid-hour, and a point written late into an hour already rolled up.
 */
describe('aggregates read from the hourly rollup', () => {
  let p: TestPlatform;
  let deviceId: string;
  let service: TelemetryService;
  let db: Db;
  let withRollup: TelemetryRepository;
  let rawOnly: TelemetryRepository;
  const from = utc(2026, 3, 20);
  const to = utc(2026, 4, 10);

  const save = async (points: { ts: number; values: Record<string, unknown> }[]) => {
    const r = await p
      .http()
      .post(`/api/plugins/telemetry/DEVICE/${deviceId}/timeseries/ANY`)
      .set(bearer(p.tenantToken))
      .send(points);
    expect(r.status).toBe(200);
  };
  type Q = { start: number; end: number; intervalType: IntervalType; interval?: number; timeZone: string };
  const queries: Q[] = [
    { start: from, end: to, intervalType: 'MILLISECONDS', interval: HOUR, timeZone: 'UTC' },
    { start: from, end: to, intervalType: 'MILLISECONDS', interval: 24 * HOUR, timeZone: 'UTC' },
    { start: from, end: to, intervalType: 'MILLISECONDS', interval: 7 * HOUR, timeZone: 'UTC' },
    { start: from + 20 * 60_000, end: to - 10 * 60_000, intervalType: 'MILLISECONDS', interval: 24 * HOUR, timeZone: 'UTC' },
    { start: from + 20 * 60_000, end: to - 10 * 60_000, intervalType: 'MONTH', timeZone: 'Europe/Berlin' },
    { start: from, end: to, intervalType: 'WEEK', timeZone: 'Europe/Berlin' },
    { start: from, end: to, intervalType: 'WEEK_ISO', timeZone: 'Europe/Berlin' },
    { start: from, end: to, intervalType: 'MONTH', timeZone: 'Europe/Berlin' },
    { start: from, end: to, intervalType: 'QUARTER', timeZone: 'America/New_York' },
    { start: from, end: to, intervalType: 'MONTH', timeZone: 'Asia/Kolkata' },
    { start: from, end: to, intervalType: 'WEEK', timeZone: 'Asia/Kolkata' },
  ];
  /** every query × aggregation, with the rollup and raw only */
  const both = async () => {
    const keys = ['t', 'c', 's'];
    for (const q of queries)
      for (const agg of AGGS) {
        const bucketing = { intervalType: q.intervalType, interval: q.interval, timeZone: q.timeZone };
        const a = await withRollup.aggregate(deviceId, keys, q.start, q.end, bucketing, agg, 10_000, 'ASC');
        const b = await rawOnly.aggregate(deviceId, keys, q.start, q.end, bucketing, agg, 10_000, 'ASC');
        const norm = (rows: typeof a) => rows.map((r) => `${r.key} ${r.ts} ${Number(r.v)}`);
        expect({ q, agg, rows: norm(a) }).toEqual({ q, agg, rows: norm(b) });
        expect(a.length).toBeGreaterThan(0);
      }
  };
  const rolled = async () =>
    Number(
      (
        await db.query<{ n: string }>('SELECT count(*) AS n FROM ts_kv_rollup_hour WHERE entity_id = $1', [
          deviceId,
        ])
      )[0]!.n,
    );

  beforeAll(async () => {
    p = await startTestPlatform();
    service = p.app.get(TelemetryService);
    db = p.app.get(Db);
    withRollup = new TelemetryRepository(db);
    rawOnly = new TelemetryRepository(db, { readRollup: false });
    await service.migration; // a fresh database's empty ts_kv_old is gone (the job waits for it)
    await service.rollupNow(); // the start-up run has set the watermark (now − margin): every point below is late
    deviceId = (
      await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: 'Rollup-1', type: 'sensor' })
    ).body.id.id;
    // every 5 minutes for 3 weeks around the DST change (2026-03-29 01:00Z): t (doubles in quarters, so sums
    // are exact), c (integers); s every 15 minutes (too sparse for rollup rows: read raw), text every third
    // time (counted, not averaged)
    const points: { ts: number; values: Record<string, unknown> }[] = [];
    for (let ts = from - 2 * HOUR, i = 0; ts < to + 2 * HOUR; ts += 5 * 60_000, i++)
      points.push({
        ts,
        values: { t: ((i * 7) % 41) / 4 - 3, c: i % 13, ...(i % 3 === 0 ? (i % 9 === 0 ? { s: `x${i}` } : { s: i / 2 }) : {}) },
      });
    for (let i = 0; i < points.length; i += 500) await save(points.slice(i, i + 500));
  }, 120000);
  afterAll(async () => {
    await p?.close();
  });

  it('are equal before the rollup, after it, and after a late point until and after its hour is recomputed', async () => {
    await both();
    const run = await service.rollupNow();
    expect(run).not.toBeNull();
    // the points were written after the start-up run had set the watermark: all late, now recomputed
    expect(run!.recomputed).toBeGreaterThan(0);
    expect(await rolled()).toBe((2 * (to + 2 * HOUR - (from - 2 * HOUR))) / HOUR); // t and c every hour; s too sparse
    await both();

    // a point replayed late into an hour that is rolled up: its hour is dirty at once, raw until recomputed
    const late = utc(2026, 3, 29, 1, 7); // the first hour of CEST
    await save([{ ts: late, values: { t: 1000, c: 1000 } }]);
    const dirty = await db.query('SELECT 1 FROM ts_kv_rollup_dirty WHERE entity_id = $1 AND hour = $2', [
      deviceId,
      utc(2026, 3, 29, 1),
    ]);
    expect(dirty.length).toBe(2);
    await both();
    const again = await service.rollupNow();
    expect(again!.recomputed).toBe(2);
    const [row] = await db.query<{ cnt: number; max_v: number }>(
      `SELECT r.cnt, r.max_v FROM ts_kv_rollup_hour r JOIN ts_kv_dictionary d ON d.key_id = r.key WHERE r.entity_id = $1 AND d.key = 't' AND r.hour = $2`,
      [deviceId, utc(2026, 3, 29, 1)],
    );
    expect(row).toEqual({ cnt: 13, max_v: 1000 });
    await both();

    // what a user reads through the API: the late point is in its day's average and maximum
    const r = await p
      .http()
      .get(
        `/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?keys=t&startTs=${utc(2026, 3, 29)}&endTs=${utc(2026, 3, 30)}&interval=${24 * HOUR}&agg=MAX&useStrictDataTypes=true`,
      )
      .set(bearer(p.tenantToken));
    expect(r.status).toBe(200);
    expect(r.body.t).toEqual([{ ts: utc(2026, 3, 29, 12), value: 1000 }]);
  }, 180000);

  it('a range of years around the data (mostly hours without points) gives the raw answers, every key', async () => {
    // the rollup read lists the gaps between rollup rows, not every hour of the range: before the data, the
    // sparse key (no rollup row at all), a key the device never had, and after the data
    const bucketing = { intervalType: 'MILLISECONDS' as const, interval: 48 * HOUR, timeZone: 'UTC' };
    const [start, end] = [from - 2 * 366 * 24 * HOUR, to + 366 * 24 * HOUR];
    for (const agg of AGGS) {
      const a = await withRollup.aggregate(deviceId, ['t', 'c', 's', 'none'], start, end, bucketing, agg, 10_000, 'DESC');
      const b = await rawOnly.aggregate(deviceId, ['t', 'c', 's', 'none'], start, end, bucketing, agg, 10_000, 'DESC');
      const norm = (rows: typeof a) => rows.map((r) => `${r.key} ${r.ts} ${Number(r.v)}`);
      expect({ agg, rows: norm(a) }).toEqual({ agg, rows: norm(b) });
      expect(new Set(a.map((r) => r.key))).toEqual(new Set(['t', 'c', 's']));
    }
  });

  it('a run that died while rolling up a range: readers take that range raw, the next run rolls it up again', async () => {
    // The state a node leaves when it dies inside rollRange: pending_from set (committed before the range
    // is rolled up), the range's rows half written. Here: the rows from pending_from on wrong or missing.
    const pendingFrom = utc(2026, 3, 25);
    const before = await rolled();
    await db.query('UPDATE ts_kv_rollup_state SET pending_from = $1 WHERE id = 1', [pendingFrom]);
    await db.query('UPDATE ts_kv_rollup_hour SET cnt = cnt + 100, sum_v = -1, min_v = -1e9, max_v = 1e9 WHERE entity_id = $1 AND hour >= $2 AND hour < $3', [
      deviceId,
      pendingFrom,
      pendingFrom + 48 * HOUR,
    ]);
    await db.query('DELETE FROM ts_kv_rollup_hour WHERE entity_id = $1 AND hour >= $2', [deviceId, pendingFrom + 48 * HOUR]);
    await both();
    const run = await service.rollupNow();
    expect(run).not.toBeNull();
    const [st] = await db.query<{ pending_from: string | null }>('SELECT pending_from FROM ts_kv_rollup_state WHERE id = 1');
    expect(st!.pending_from).toBeNull();
    expect(await rolled()).toBe(before);
    await both();
  }, 120000);

  it('a fresh point marks nothing dirty, and deleting the device removes its points and its rollup', async () => {
    await save([{ ts: Date.now(), values: { t: 1 } }]);
    expect((await db.query('SELECT 1 FROM ts_kv_rollup_dirty WHERE entity_id = $1', [deviceId])).length).toBe(
      0,
    );
    const del = await p.http().delete(`/api/device/${deviceId}`).set(bearer(p.tenantToken));
    expect(del.status).toBe(200);
    for (let i = 0; i < 100 && (await rolled()) > 0; i++) await new Promise((res) => setTimeout(res, 50));
    expect(await rolled()).toBe(0);
    // the points went first (through the device's ts_kv_entity id)
    expect(await db.query('SELECT count(*)::int AS n FROM ts_kv_named WHERE entity_id = $1', [deviceId])).toEqual([{ n: 0 }]);
  });
});
