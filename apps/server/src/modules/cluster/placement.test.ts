import { plan, preferredNode, type PlacementRow } from './placement.js';

const ids = (n: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
const rows = (owners: (string | null)[], enabled = true): PlacementRow[] =>
  ids(owners.length).map((integrationId, i) => ({ integrationId, enabled, owner: owners[i]! }));

describe('placement', () => {
  it('gives a single node every enabled integration at once', () => {
    const p = plan('a', ['a'], rows([null, null, null]), new Set());
    expect(p.share).toBe(3);
    expect(p.claim).toHaveLength(3);
    expect(p.release).toEqual([]);
  });

  it('hands back what is beyond the fair share when a second node joins', () => {
    const all = rows(Array(10).fill('a'));
    const running = new Set(all.map((r) => r.integrationId));
    const a = plan('a', ['a', 'b'], all, running);
    expect(a.share).toBe(5);
    expect(a.release).toHaveLength(5);
    expect(a.claim).toEqual([]);
    // the new node claims nothing held by an alive node
    const b = plan('b', ['a', 'b'], all, new Set());
    expect(b.claim).toEqual([]);
  });

  it('takes over the integrations of a node that is gone, up to its share', () => {
    const owners = [...Array(4).fill('a'), ...Array(3).fill('b'), ...Array(3).fill('c')];
    const b = plan('b', ['b', 'c'], rows(owners), new Set(ids(10).slice(4, 7)));
    expect(b.share).toBe(5);
    expect(b.claim).toHaveLength(4);
    expect(b.stop).toEqual([]);
  });

  it('stops what runs here without a lease here, and what is disabled', () => {
    const r = [...rows(['b']), { integrationId: 'x', enabled: false, owner: 'a' }];
    const p = plan('a', ['a', 'b'], r, new Set([r[0]!.integrationId, 'x']));
    expect(p.stop.sort()).toEqual([r[0]!.integrationId, 'x'].sort());
  });

  it('keeps nothing on a node that is stopping', () => {
    const all = rows(['a', 'a']);
    const p = plan('a', ['b'], all, new Set(ids(2)));
    expect(p.share).toBe(0);
    expect(p.release).toHaveLength(2);
  });

  it('restarts what is leased here but not running (a restart with the same NODE_ID)', () => {
    expect(plan('a', ['a'], rows(['a']), new Set()).start).toEqual(ids(1));
  });

  it('prefers the same node for an integration whatever order the nodes are listed in', () => {
    for (const id of ids(20))
      expect(preferredNode(id, ['a', 'b', 'c'])).toBe(preferredNode(id, ['c', 'a', 'b']));
  });
});
