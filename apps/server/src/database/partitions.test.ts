import { partitionName, partitionRange, rangesCovering } from './partitions.js';

describe('time partitions', () => {
  const ts = Date.UTC(2026, 11, 6, 13, 45); // Sunday 2026-12-06

  it('puts a point in the UTC month, day and Monday-based week that hold it', () => {
    expect(partitionRange('MONTHS', ts)).toEqual({ from: Date.UTC(2026, 11, 1), to: Date.UTC(2027, 0, 1) });
    expect(partitionRange('DAYS', ts)).toEqual({ from: Date.UTC(2026, 11, 6), to: Date.UTC(2026, 11, 7) });
    expect(partitionRange('WEEKS', ts)).toEqual({ from: Date.UTC(2026, 10, 30), to: Date.UTC(2026, 11, 7) });
    expect(partitionRange('WEEKS', Date.UTC(2026, 10, 30))).toEqual(partitionRange('WEEKS', ts));
  });

  it('names partitions after their first day', () => {
    expect(partitionName('ts_kv', 'MONTHS', Date.UTC(2026, 11, 1))).toBe('ts_kv_2026_12');
    expect(partitionName('raw_message', 'DAYS', Date.UTC(2026, 0, 9))).toBe('raw_message_2026_01_09');
  });

  it('covers a window with adjacent ranges and no gap', () => {
    const rs = rangesCovering('MONTHS', Date.UTC(2026, 10, 15), Date.UTC(2027, 1, 1));
    expect(rs.map((r) => new Date(r.from).toISOString().slice(0, 7))).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    for (let i = 1; i < rs.length; i++) expect(rs[i].from).toBe(rs[i - 1].to);
  });
});
