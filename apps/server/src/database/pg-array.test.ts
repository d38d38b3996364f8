import { packBytes, pgArray } from './pg-array.js';

describe('pgArray', () => {
  it('writes numbers, booleans and ids as they are, and nulls as NULL', () => {
    expect(pgArray([1, 2.5, -3e-7, null, undefined], 'plain')).toBe('{1,2.5,-3e-7,NULL,NULL}');
    expect(pgArray([true, false], 'plain')).toBe('{true,false}');
  });

  it('sends a column that is null everywhere as an empty array (unnest pads it with nulls)', () => {
    expect(pgArray([null, null], 'quoted')).toBe('{}');
    expect(pgArray([], 'plain')).toBe('{}');
  });

  it('quotes text so that quotes, backslashes, commas, braces and the word NULL survive', () => {
    expect(pgArray(['a"b', 'c\\d', 'e,f', '{g}', 'NULL', '', ' x '], 'quoted')).toBe(
      '{"a\\"b","c\\\\d","e,f","{g}","NULL",""," x "}',
    );
  });
});

describe('packBytes', () => {
  it('gives each item its 1-based offset and length in one buffer', () => {
    const p = packBytes([Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')]);
    expect(p.blob.toString()).toBe('abcde');
    expect(p.offsets).toEqual([1, 3, 3]);
    expect(p.lengths).toEqual([2, 0, 3]);
  });
});
