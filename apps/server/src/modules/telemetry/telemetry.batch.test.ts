import { historyAndLatest, type TsRow } from './telemetry.repository.js';
import { DeviceKeyLimit } from './telemetry.key-limit.js';

const point = (entityId: string, key: string, ts: number, v: number): TsRow => ({
  entityId,
  key,
  ts,
  bool_v: null,
  long_v: String(v),
  dbl_v: null,
  str_v: null,
  json_v: null,
});

describe('a batch of points', () => {
  it('is written in key order, once per (device, key, ts) with the later point winning, and gives each series its newest point', () => {
    const batch = [point('b', 't', 2, 1), point('a', 't', 5, 2), point('a', 't', 3, 3), point('a', 't', 5, 4), point('a', 'h', 1, 5)];
    const { history, latest } = historyAndLatest(batch);
    expect(history.map((r) => [r.entityId, r.key, r.ts, r.long_v])).toEqual([
      ['a', 'h', 1, '5'],
      ['a', 't', 3, '3'],
      ['a', 't', 5, '4'],
      ['b', 't', 2, '1'],
    ]);
    expect(latest.map((r) => [r.entityId, r.key, r.ts, r.long_v])).toEqual([
      ['a', 'h', 1, '5'],
      ['a', 't', 5, '4'],
      ['b', 't', 2, '1'],
    ]);
  });
});

describe('the per-device key limit', () => {
  it('loads a device once, lets known keys through and names the device that would pass the limit', async () => {
    let loads = 0;
    const limit = new DeviceKeyLimit(2, async () => (loads++, [{ entity_id: 'd1', key: 'a' }]));
    await limit.check([{ entityId: 'd1', key: 'a' }, { entityId: 'd1', key: 'b' }]);
    limit.remember([{ entityId: 'd1', key: 'a' }, { entityId: 'd1', key: 'b' }]);
    await limit.check([{ entityId: 'd1', key: 'a' }, { entityId: 'd1', key: 'b' }]);
    await expect(limit.check([{ entityId: 'd1', key: 'c' }])).rejects.toThrow(/Device d1 has 2 time-series keys and this would add 1; at most 2/);
    expect(loads).toBe(1);
  });
});
