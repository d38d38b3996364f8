import { interleaved, median, slowerPct } from '../src/ab.js';

describe('interleaved A/B runs', () => {
  it('alternates which arm goes first each round, and compares medians', async () => {
    const order: string[] = [];
    const rounds = await interleaved(['off', 'on'] as const, 3, async (arm, r) => {
      order.push(`${arm}${r}`);
      return arm === 'on' ? 90 + r : 100 + r;
    });
    expect(order).toEqual(['off0', 'on0', 'on1', 'off1', 'off2', 'on2']);
    const of = (a: string) => rounds.filter((x) => x.arm === a).map((x) => x.result);
    expect(median(of('off'))).toBe(101);
    expect(median([1, 2])).toBe(2);
    expect(median([])).toBe(0);
    expect(slowerPct(median(of('on')), median(of('off')))).toBe(9.9);
    expect(slowerPct(5, 0)).toBeNull();
  });
});
