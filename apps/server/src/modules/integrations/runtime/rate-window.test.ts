import { RATE_MINUTES, RateWindow } from './rate-window.js';

const MIN = 60_000;

describe('RateWindow (integration message rates)', () => {
  it('counts per minute, oldest first, and forgets minutes older than the window', () => {
    const w = new RateWindow();
    const t0 = 1000 * MIN;
    w.add(5, t0);
    w.add(3, t0 + 10_000);
    w.add(7, t0 + MIN);
    const counts = w.perMinute(t0 + MIN + 1);
    expect(counts).toHaveLength(RATE_MINUTES);
    expect(counts.slice(-2)).toEqual([8, 7]);
    // fifteen minutes later the first minute's bucket is reused, not added to
    w.add(1, t0 + RATE_MINUTES * MIN);
    expect(w.perMinute(t0 + RATE_MINUTES * MIN).slice(-1)).toEqual([1]);
    expect(w.perMinute(t0 + RATE_MINUTES * MIN).reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('gives rates per second over 1 and 15 minutes, counting the minute in progress', () => {
    const w = new RateWindow();
    const t0 = 2000 * MIN;
    for (let k = 0; k < RATE_MINUTES; k++) w.add(60, t0 + k * MIN);
    const now = t0 + (RATE_MINUTES - 1) * MIN + 30_000;
    // last full minute (60) + this half minute (60 so far) over 90 s
    expect(w.perSecond(1, now)).toBeCloseTo(120 / 90);
    expect(w.perSecond(15, now)).toBeCloseTo((60 * 15) / (14 * 60 + 30));
    expect(new RateWindow().perSecond(1, now)).toBe(0);
  });

  it('gives its counts by minute number and loads them back, leaving out minutes older than the window', () => {
    const w = new RateWindow();
    const t0 = 3000 * MIN;
    w.add(4, t0);
    w.add(2, t0 + 5 * MIN);
    const now = t0 + 5 * MIN + 1;
    expect(w.counts(now)).toEqual({ 3000: 4, 3005: 2 });
    const back = new RateWindow();
    back.add(99, now); // replaced, not added to
    back.load({ ...w.counts(now), 2900: 7 }, now);
    expect(back.perMinute(now)).toEqual(w.perMinute(now));
    expect(back.counts(t0 + RATE_MINUTES * MIN)).toEqual({ 3005: 2 });
  });
});
