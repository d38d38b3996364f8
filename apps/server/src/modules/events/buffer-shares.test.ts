import { BufferShares } from './buffer-shares.js';

describe('BufferShares (the debug-event buffer all tenants share)', () => {
  it("keeps room for a quiet tenant while another floods: the flooding tenant loses its own events, counted", () => {
    const s = new BufferShares(10, 4);
    const flood = Array.from({ length: 100 }, () => s.take('loud'));
    expect(flood.filter(Boolean)).toHaveLength(4);
    expect([s.take('quiet'), s.take('quiet'), s.take('quiet')]).toEqual([true, true, true]);
    expect(s.dropped.get('loud')).toEqual({ tenant_share: 96, buffer_full: 0 });
    expect(s.dropped.has('quiet')).toBe(false);
  });

  it('refuses everybody once the whole buffer is full, saying so apart from a tenant over its share', () => {
    const s = new BufferShares(6, 3);
    for (const t of ['a', 'a', 'a', 'b', 'b', 'b']) expect(s.take(t)).toBe(true);
    expect(s.take('c')).toBe(false);
    expect(s.take('a')).toBe(false);
    expect(s.dropped.get('c')).toEqual({ tenant_share: 0, buffer_full: 1 });
    expect(s.dropped.get('a')).toEqual({ tenant_share: 1, buffer_full: 0 });
    expect(s.droppedTotal).toBe(2);
  });

  it('frees every place when the buffer is written, and one place when an event is given back', () => {
    const s = new BufferShares(10, 2);
    s.take('a');
    s.take('a');
    expect(s.take('a')).toBe(false);
    s.release('a');
    expect(s.take('a')).toBe(true);
    s.clear();
    expect([s.take('a'), s.take('a')]).toEqual([true, true]);
    // the count of refusals is since start: a scrape sees it grow, never reset by a flush
    expect(s.dropped.get('a')!.tenant_share).toBe(1);
  });
});
