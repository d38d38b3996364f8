import { fromRow, toTyped } from './telemetry.values.js';

describe('telemetry value types', () => {
  it.each([
    [true, { bool_v: true }],
    [42, { long_v: '42' }],
    [25.1, { dbl_v: 25.1 }],
    [2 ** 60, { dbl_v: 2 ** 60 }],
    ['hi', { str_v: 'hi' }],
    [{ a: 1 }, { json_v: '{"a":1}' }],
  ])('stores %j in its own column', (v, col) => {
    expect(toTyped('k', v)).toEqual({ bool_v: null, long_v: null, dbl_v: null, str_v: null, json_v: null, ...col });
  });

  it('skips null and rejects what Postgres cannot hold, naming the key', () => {
    expect(toTyped('k', null)).toBeNull();
    expect(() => toTyped('k', 'a\u0000b')).toThrow("Value of 'k' contains a NUL character");
    expect(() => toTyped('j', { x: ['ok', 'a\u0000'] })).toThrow("Value of 'j.x[1]' contains a NUL character");
    expect(() => toTyped('k'.repeat(10_000), 1)).toThrow(/is 10000 characters long; keys may have at most 255/);
    expect(() => toTyped('', 1)).toThrow(/empty/);
  });

  it('answers strings unless strict types are asked for', () => {
    const row = { bool_v: null, long_v: '42', dbl_v: null, str_v: null, json_v: null };
    expect(fromRow(row, false)).toBe('42');
    expect(fromRow(row, true)).toBe(42);
    expect(fromRow({ ...row, long_v: null, json_v: { a: 1 } }, false)).toBe('{"a":1}');
  });
});
