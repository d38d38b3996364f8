import { createTestDatabase } from '../../test/helpers.js';
import { openDatabase, type Db } from './db.js';
import { packBytes, pgArray } from './pg-array.js';

describe('array parameters read back by a real Postgres', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const t = await createTestDatabase();
    drop = t.drop;
    db = await openDatabase(t.url, 2);
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('gives back every string as written, and pads an all-null column with nulls', async () => {
    const texts = ['plain', 'a"b', 'back\\slash', 'comma,brace{}', 'NULL', '', ' spaced ', 'tab\tnew\nline', 'ünï €', '{"j":[1,2]}'];
    const rows = await db.query<{ s: string | null; n: string; v: number | null }>(
      'SELECT s, n, v FROM unnest($1::text[], $2::bigint[], $3::float8[]) AS t(s, n, v)',
      [pgArray(texts, 'quoted'), pgArray(texts.map((_, i) => 2 ** 53 - i), 'plain'), pgArray(texts.map(() => null), 'plain')],
    );
    expect(rows.map((r) => r.s)).toEqual(texts);
    expect(rows.map((r) => Number(r.n))).toEqual(texts.map((_, i) => 2 ** 53 - i));
    expect(rows.every((r) => r.v === null)).toBe(true);
  });

  it('cuts packed bytes back into the original byte strings', async () => {
    const items = [Buffer.from([0, 1, 2, 255]), Buffer.alloc(0), Buffer.from('{"temperature":21.5}')];
    const p = packBytes(items);
    const rows = await db.query<{ b: Buffer }>(
      'SELECT substring($1::bytea FROM t.o FOR t.l) AS b FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS t(o, l, i) ORDER BY i',
      [p.blob, pgArray(p.offsets, 'plain'), pgArray(p.lengths, 'plain')],
    );
    expect(rows.map((r) => Buffer.from(r.b).toString('hex'))).toEqual(items.map((b) => b.toString('hex')));
  });
});
