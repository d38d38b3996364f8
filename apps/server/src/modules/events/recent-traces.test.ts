import { RecentTraces } from './recent-traces.js';

describe('RecentTraces (which messages somebody debugs)', () => {
  it('knows a trace from its first event for ttl, then forgets it', () => {
    const t = new RecentTraces(1000, 100);
    expect(t.has('a', 0)).toBe(false);
    t.note('a', 0);
    t.note('a', 900); // a later event does not extend it
    expect(t.has('a', 999)).toBe(true);
    expect(t.has('a', 1000)).toBe(false);
    expect(t.has('b', 10)).toBe(false);
    t.note('b', 500);
    t.prune(1200);
    expect(t.size).toBe(1);
    expect(t.has('b', 1200)).toBe(true);
  });

  it('empties itself at the first question after the last trace expired (nobody debugs any more)', () => {
    const t = new RecentTraces(1000, 100);
    t.note('a', 0);
    t.note('b', 10);
    expect(t.has('x', 500)).toBe(false);
    expect(t.size).toBe(2);
    expect(t.has('x', 1010)).toBe(false);
    expect(t.size).toBe(0);
  });

  it('keeps at most max traces, forgetting the oldest first', () => {
    const t = new RecentTraces(60_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) t.note(id, 0);
    expect(t.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => t.has(id, 1))).toEqual([false, true, true, true]);
  });
});
