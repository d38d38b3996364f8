import { bearer, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

/**
 * ThingsBoard's aggregation parameters, every function and interval type, against values and
 * bucket bounds worked out by hand (the bounds below are written as UTC instants, not computed).
 */
describe('aggregated time series (agg, interval, intervalType, timeZone, orderBy, limit)', () => {
  let p: TestPlatform;
  let deviceId: string;
  const get = async (q: string) => {
    const r = await p.http().get(`/api/plugins/telemetry/DEVICE/${deviceId}/values/timeseries?useStrictDataTypes=true&${q}`).set(bearer(p.tenantToken));
    return r;
  };
  const save = async (points: { ts: number; values: Record<string, unknown> }[]) => {
    const r = await p.http().post(`/api/plugins/telemetry/DEVICE/${deviceId}/timeseries/ANY`).set(bearer(p.tenantToken)).send(points);
    expect(r.status).toBe(200);
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    deviceId = (await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: 'Agg-1', type: 'sensor' })).body.id.id;
    // fixed interval: x = 0..9 at 2026-01-05 00:00:00 + i s; y = 10 × x as doubles
    const base = utc(2026, 1, 5);
    await save(Array.from({ length: 10 }, (_, i) => ({ ts: base + i * 1000, values: { x: i, y: i * 10 + 0.5 } })));
    // calendar buckets in Europe/Berlin (CET +1, CEST +2 from 2026-03-29 01:00Z to 2026-10-25 01:00Z)
    await save([
      { ts: utc(2026, 3, 7, 11), values: { w: 1 } }, // Sat 7 Mar 12:00 CET
      { ts: utc(2026, 3, 8, 11), values: { w: 2 } }, // Sun 8 Mar
      { ts: utc(2026, 3, 9, 11), values: { w: 3 } }, // Mon 9 Mar
      { ts: utc(2026, 3, 29, 21, 30), values: { w: 4 } }, // Sun 29 Mar 23:30 CEST (the night DST began)
      { ts: utc(2026, 3, 29, 22, 30), values: { w: 5 } }, // Mon 30 Mar 00:30 CEST
      { ts: utc(2026, 3, 15), values: { m: 10 } }, // March everywhere
      { ts: utc(2026, 3, 31, 22, 30), values: { m: 20 } }, // 1 Apr 00:30 CEST in Berlin, 31 Mar in UTC
      { ts: utc(2026, 10, 31, 22, 30), values: { m: 30 } }, // 31 Oct 23:30 CET in Berlin (October is 31 days + 1 h there)
      { ts: utc(2026, 10, 31, 23, 30), values: { m: 40 } }, // 1 Nov 00:30 CET
    ]);
  }, 60000);
  afterAll(async () => {
    await p.stop();
  });

  const base = utc(2026, 1, 5);
  const range = `startTs=${base}&endTs=${base + 10_000}`;

  it.each([
    ['AVG', [2, 7], [20.5, 70.5]],
    ['MIN', [0, 5], [0.5, 50.5]],
    ['MAX', [4, 9], [40.5, 90.5]],
    ['SUM', [10, 35], [102.5, 352.5]],
    ['COUNT', [5, 5], [5, 5]],
  ])('%s per 5 s bucket, ts in the middle of the bucket', async (agg, x, y) => {
    const r = await get(`keys=x,y&${range}&agg=${agg}&interval=5000&orderBy=ASC`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      x: [
        { ts: base + 2500, value: x[0] },
        { ts: base + 7500, value: x[1] },
      ],
      y: [
        { ts: base + 2500, value: y[0] },
        { ts: base + 7500, value: y[1] },
      ],
    });
  });

  it('NONE returns the raw points; orderBy and limit apply per key, also to buckets; a last short bucket is clipped', async () => {
    expect((await get(`keys=x&${range}&agg=NONE&limit=3`)).body.x.map((v: { value: number }) => v.value)).toEqual([9, 8, 7]);
    expect((await get(`keys=x&${range}&limit=2&orderBy=ASC`)).body.x).toEqual([
      { ts: base, value: 0 },
      { ts: base + 1000, value: 1 },
    ]);
    // buckets of 4 s: [0,4) [4,8) [8,10) — the last one is 2 s long, its middle is at 9 s
    expect((await get(`keys=x&${range}&agg=SUM&interval=4000&orderBy=DESC&limit=2`)).body.x).toEqual([
      { ts: base + 9000, value: 17 },
      { ts: base + 6000, value: 22 },
    ]);
    // a bucket with no points is left out
    expect((await get(`keys=x&startTs=${base - 10_000}&endTs=${base + 5000}&agg=COUNT&interval=5000&orderBy=ASC`)).body.x).toEqual([
      { ts: base + 2500, value: 5 },
    ]);
  });

  it('WEEK starts on Sunday, WEEK_ISO on Monday, in the time zone; the week of the DST change is an hour short', async () => {
    const q = (type: string) => get(`keys=w&startTs=${utc(2026, 3, 1)}&endTs=${utc(2026, 4, 6)}&agg=AVG&intervalType=${type}&timeZone=Europe/Berlin&orderBy=ASC`);
    const iso = (await q('WEEK_ISO')).body.w;
    // startTs (1 Mar 01:00 CET) is in the ISO week from Mon 23 Feb, which holds no point; then
    // Mon 2 Mar 00:00 CET = 1 Mar 23:00Z … Mon 9 Mar 00:00 CET = 8 Mar 23:00Z
    expect(iso).toEqual([
      { ts: (utc(2026, 3, 1, 23) + utc(2026, 3, 8, 23)) / 2, value: 1.5 },
      { ts: (utc(2026, 3, 8, 23) + utc(2026, 3, 15, 23)) / 2, value: 3 },
      // Mon 23 Mar 00:00 CET = 22 Mar 23:00Z to Mon 30 Mar 00:00 CEST = 29 Mar 22:00Z: 7 days less an hour
      { ts: (utc(2026, 3, 22, 23) + utc(2026, 3, 29, 22)) / 2, value: 4 },
      { ts: (utc(2026, 3, 29, 22) + utc(2026, 4, 5, 22)) / 2, value: 5 },
    ]);
    const sunday = (await q('WEEK')).body.w;
    expect(sunday).toEqual([
      // Sun 1 Mar 00:00 CET = 28 Feb 23:00Z (clipped) to Sun 8 Mar 00:00 CET = 7 Mar 23:00Z
      { ts: (utc(2026, 3, 1) + utc(2026, 3, 7, 23)) / 2, value: 1 },
      { ts: (utc(2026, 3, 7, 23) + utc(2026, 3, 14, 23)) / 2, value: 2.5 },
      // Sun 29 Mar 00:00 CET = 28 Mar 23:00Z to Sun 5 Apr 00:00 CEST = 4 Apr 22:00Z: holds both 29 Mar points
      { ts: (utc(2026, 3, 28, 23) + utc(2026, 4, 4, 22)) / 2, value: 4.5 },
    ]);
  });

  it('MONTH and QUARTER buckets follow the calendar of timeZone across both DST changes', async () => {
    const start = utc(2026, 2, 28, 23); // 1 Mar 00:00 CET
    const end = utc(2026, 11, 30, 23); // 1 Dec 00:00 CET
    const month = (await get(`keys=m&startTs=${start}&endTs=${end}&agg=AVG&intervalType=MONTH&timeZone=Europe/Berlin&orderBy=ASC`)).body.m;
    expect(month).toEqual([
      { ts: (utc(2026, 2, 28, 23) + utc(2026, 3, 31, 22)) / 2, value: 10 }, // March: 31 days less an hour
      { ts: (utc(2026, 3, 31, 22) + utc(2026, 4, 30, 22)) / 2, value: 20 }, // April (the 31 Mar 22:30Z point)
      { ts: (utc(2026, 9, 30, 22) + utc(2026, 10, 31, 23)) / 2, value: 30 }, // October: 31 days and an hour
      { ts: (utc(2026, 10, 31, 23) + utc(2026, 11, 30, 23)) / 2, value: 40 }, // November
    ]);
    // the same points by UTC months: 31 Mar 22:30Z is March, 31 Oct 23:30Z is October
    const utcMonth = (await get(`keys=m&startTs=${utc(2026, 3, 1)}&endTs=${utc(2026, 12, 1)}&agg=COUNT&intervalType=MONTH&orderBy=ASC`)).body.m;
    expect(utcMonth).toEqual([
      { ts: (utc(2026, 3, 1) + utc(2026, 4, 1)) / 2, value: 2 },
      { ts: (utc(2026, 10, 1) + utc(2026, 11, 1)) / 2, value: 2 },
    ]);
    const quarter = (await get(`keys=m&startTs=${start}&endTs=${end}&agg=SUM&intervalType=QUARTER&timeZone=Europe/Berlin&orderBy=DESC`)).body.m;
    expect(quarter).toEqual([
      { ts: (utc(2026, 9, 30, 22) + end) / 2, value: 70 }, // Q4 from 1 Oct 00:00 CEST, clipped at endTs
      { ts: (utc(2026, 3, 31, 22) + utc(2026, 6, 30, 22)) / 2, value: 20 }, // Q2
      { ts: (start + utc(2026, 3, 31, 22)) / 2, value: 10 }, // Q1, clipped at startTs
    ]);
  });

  it('refuses an unknown time zone or interval type with a message naming it', async () => {
    const tz = await get(`keys=m&startTs=0&endTs=1000&agg=AVG&intervalType=MONTH&timeZone=Mars/Olympus`);
    expect(tz.status).toBe(400);
    expect(tz.body.message).toMatch(/timeZone/);
    const type = await get(`keys=m&startTs=0&endTs=1000&agg=AVG&interval=10&intervalType=DECADE`);
    expect(type.status).toBe(400);
    expect(type.body.message).toMatch(/intervalType/);
  });
});
