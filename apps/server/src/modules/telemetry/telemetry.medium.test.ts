import { bearer, createTenantWithAdmin, startTestPlatform, type TestPlatform } from '../../../test/helpers.js';

describe('telemetry and attributes over REST', () => {
  let p: TestPlatform;
  let deviceId: string;
  const url = (path: string) => `/api/plugins/telemetry/DEVICE/${deviceId}/${path}`;
  beforeAll(async () => {
    p = await startTestPlatform();
    deviceId = (await p.http().post('/api/device').set(bearer(p.tenantToken)).send({ name: 'T-1', type: 'sensor' })).body.id.id;
  });
  afterAll(async () => {
    await p.stop();
  });

  it('keeps boolean, long, double, string and JSON values; strings by default, native with useStrictDataTypes=true', async () => {
    const auth = bearer(p.tenantToken);
    const save = await p.http().post(url('timeseries/ANY')).set(auth).send({ ts: 1000, values: { b: true, l: 42, d: 25.1, s: 'hi', j: { a: [1, 2] } } });
    expect(save.status).toBe(200);
    const loose = (await p.http().get(url('values/timeseries?keys=b,l,d,s,j')).set(auth)).body;
    expect(loose).toEqual({
      b: [{ ts: 1000, value: 'true' }],
      l: [{ ts: 1000, value: '42' }],
      d: [{ ts: 1000, value: '25.1' }],
      s: [{ ts: 1000, value: 'hi' }],
      j: [{ ts: 1000, value: '{"a":[1,2]}' }],
    });
    const strict = (await p.http().get(url('values/timeseries?keys=b,l,d,s,j&useStrictDataTypes=true')).set(auth)).body;
    expect(strict).toEqual({
      b: [{ ts: 1000, value: true }],
      l: [{ ts: 1000, value: 42 }],
      d: [{ ts: 1000, value: 25.1 }],
      s: [{ ts: 1000, value: 'hi' }],
      j: [{ ts: 1000, value: { a: [1, 2] } }],
    });
    expect((await p.http().get(url('keys/timeseries')).set(auth)).body).toEqual(['b', 'd', 'j', 'l', 's']);
  });

  it('moves latest values only forward in time and serves history with limit, order and aggregation', async () => {
    const auth = bearer(p.tenantToken);
    const points = Array.from({ length: 10 }, (_, i) => ({ ts: 10_000 + i * 1000, values: { v: i } }));
    await p.http().post(url('timeseries/ANY')).set(auth).send(points);
    await p.http().post(url('timeseries/ANY')).set(auth).send([{ ts: 5000, values: { v: 99 } }]);
    expect((await p.http().get(url('values/timeseries?keys=v')).set(auth)).body.v).toEqual([{ ts: 19_000, value: '9' }]);
    const h = (q: string) => p.http().get(url(`values/timeseries?keys=v&${q}`)).set(auth);
    expect((await h('startTs=10000&endTs=20000&limit=3')).body.v.map((x: { ts: number }) => x.ts)).toEqual([19_000, 18_000, 17_000]);
    expect((await h('startTs=10000&endTs=20000&limit=3&orderBy=ASC')).body.v.map((x: { ts: number }) => x.ts)).toEqual([10_000, 11_000, 12_000]);
    expect((await h('startTs=10000&endTs=15000&orderBy=ASC')).body.v).toHaveLength(5);
    const avg = (await h('startTs=10000&endTs=20000&agg=AVG&interval=5000&orderBy=ASC&useStrictDataTypes=true')).body.v;
    expect(avg).toEqual([
      { ts: 12_500, value: 2 },
      { ts: 17_500, value: 7 },
    ]);
    const aggs = async (agg: string) => (await h(`startTs=0&endTs=100000&agg=${agg}&interval=100000&useStrictDataTypes=true`)).body.v[0].value;
    expect(await aggs('MIN')).toBe(0);
    expect(await aggs('MAX')).toBe(99);
    expect(await aggs('SUM')).toBe(45 + 99);
    expect(await aggs('COUNT')).toBe(11);
    expect((await h('startTs=0&endTs=100000&agg=AVG')).status).toBe(400);
    expect((await h('startTs=0&endTs=100000&agg=AVG')).body.message).toMatch(/interval/);
  });

  it('reads attributes of all scopes or one, and rejects keys that cannot be stored', async () => {
    const auth = bearer(p.tenantToken);
    await p.http().post(url('attributes/SERVER_SCOPE')).set(auth).send({ fw: '1.0', on: true });
    await p.http().post(url('attributes/SHARED_SCOPE')).set(auth).send({ target: 21.5 });
    const all = (await p.http().get(url('values/attributes')).set(auth)).body;
    expect(all.map((a: { key: string }) => a.key).sort()).toEqual(['fw', 'on', 'target']);
    const server = (await p.http().get(url('values/attributes/SERVER_SCOPE?keys=fw')).set(auth)).body;
    expect(server).toEqual([{ key: 'fw', value: '1.0', lastUpdateTs: expect.any(Number) }]);
    const long = await p.http().post(url('timeseries/ANY')).set(auth).send({ ['k'.repeat(10_000)]: 1 });
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/at most 255/);
    const nul = await p.http().post(url('attributes/SERVER_SCOPE')).set(auth).send({ x: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.message).toMatch(/NUL/);
  });

  it("answers 404 for another tenant's device", async () => {
    const other = await createTenantWithAdmin(p, 'Other Co');
    const o = bearer(other.token);
    for (const path of ['keys/timeseries', 'values/timeseries?keys=v', 'values/attributes', 'values/attributes/SERVER_SCOPE'])
      expect((await p.http().get(url(path)).set(o)).status).toBe(404);
    expect((await p.http().post(url('timeseries/ANY')).set(o).send({ v: 1 })).status).toBe(404);
    expect((await p.http().post(url('attributes/SERVER_SCOPE')).set(o).send({ v: 1 })).status).toBe(404);
  });
});
