import { createTestDatabase } from '../../test/helpers.js';
import { openDatabase, type Db } from './db.js';
import { runOncePerCluster } from './cluster-lock.js';
import { dropPartitionsBefore, ensurePartitions, listPartitions, packClosedPartitionIndexes } from './partitions.js';

describe('partitions and cluster jobs on a real Postgres', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const t = await createTestDatabase();
    drop = t.drop;
    db = await openDatabase(t.url, 4);
    await db.query('CREATE TABLE points (ts bigint NOT NULL, v int) PARTITION BY RANGE (ts)');
  });
  afterAll(async () => {
    await db.close();
    await drop();
  });

  it('creates the missing day partitions once, routes rows into them and drops the old ones whole', async () => {
    const d = (day: number) => Date.UTC(2026, 11, day, 12);
    expect(await ensurePartitions(db, 'points', 'DAYS', d(1), d(3))).toEqual([
      'points_2026_12_01',
      'points_2026_12_02',
      'points_2026_12_03',
    ]);
    expect(await ensurePartitions(db, 'points', 'DAYS', d(2), d(4))).toEqual(['points_2026_12_04']);
    await db.query('INSERT INTO points VALUES ($1, 1), ($2, 2), ($3, 3)', [d(1), d(2), d(4)]);

    expect(await dropPartitionsBefore(db, 'points', d(3))).toEqual(['points_2026_12_01', 'points_2026_12_02']);
    expect((await listPartitions(db, 'points')).map((p) => p.name)).toEqual(['points_2026_12_03', 'points_2026_12_04']);
    expect(await db.query('SELECT v FROM points')).toEqual([{ v: 3 }]);
  });

  it('runs a job once while another run of it holds the lock, and again after', async () => {
    let release!: () => void;
    const first = runOncePerCluster(db, 'retention', () => new Promise<string>((r) => (release = () => r('first'))));
    await new Promise((r) => setTimeout(r, 100));
    expect(await runOncePerCluster(db, 'retention', async () => 'second')).toEqual({ ran: false });
    expect(await runOncePerCluster(db, 'other-job', async () => 'other')).toEqual({ ran: true, result: 'other' });
    release();
    expect(await first).toEqual({ ran: true, result: 'first' });
    expect(await runOncePerCluster(db, 'retention', async () => 'third')).toEqual({ ran: true, result: 'third' });
  });

  it('moves rows that waited in the default partition into a new partition of their range', async () => {
    await db.query('CREATE TABLE pts (ts bigint NOT NULL, v int, PRIMARY KEY (ts)) PARTITION BY RANGE (ts)');
    await db.query('CREATE TABLE pts_default PARTITION OF pts DEFAULT');
    const d = (day: number) => Date.UTC(2026, 10, day, 12);
    await db.query('INSERT INTO pts VALUES ($1, 1), ($2, 2)', [d(1), d(20)]);
    expect(await ensurePartitions(db, 'pts', 'MONTHS', d(1), d(1))).toEqual(['pts_2026_11']);
    expect(await db.query('SELECT v FROM pts_2026_11 ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    expect(await db.query('SELECT v FROM pts_default')).toEqual([]);
  });

  it('packs the indexes of closed partitions once, online', async () => {
    const d = (day: number) => Date.UTC(2026, 10, day, 12);
    await db.query('INSERT INTO pts SELECT $1::bigint + i * 1000, i FROM generate_series(1, 1000) i', [d(2)]);
    expect(await packClosedPartitionIndexes(db, 'pts', Date.UTC(2026, 11, 1))).toEqual(['pts_2026_11_pkey']);
    expect(await packClosedPartitionIndexes(db, 'pts', Date.UTC(2026, 11, 1))).toEqual([]);
    expect((await db.query<{ n: string }>('SELECT count(*) AS n FROM pts WHERE ts > $1 AND ts <= $1 + 1000000', [d(2)]))[0]!.n).toBe('1000');
  });
  it('gives partitions the BRIN index of the parent (also one made from default-partition rows) and packs only the B-tree', async () => {
    const d = (day: number) => Date.UTC(2026, 10, day, 12);
    await db.query('CREATE TABLE ptb (ts bigint NOT NULL, v int, PRIMARY KEY (ts)) PARTITION BY RANGE (ts)');
    await db.query('CREATE TABLE ptb_default PARTITION OF ptb DEFAULT');
    await db.query('CREATE INDEX ptb_ts_brin ON ptb USING brin (ts) WITH (autosummarize = on)');
    await db.query('INSERT INTO ptb VALUES ($1, 1)', [d(1)]);
    expect(await ensurePartitions(db, 'ptb', 'MONTHS', d(1), Date.UTC(2026, 11, 15))).toEqual(['ptb_2026_11', 'ptb_2026_12']);
    const methods = await db.query<{ t: string; am: string }>(
      `SELECT x.indrelid::regclass::text AS t, a.amname AS am FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam
        WHERE x.indrelid IN ('ptb_2026_11'::regclass, 'ptb_2026_12'::regclass) ORDER BY 1, 2`,
    );
    expect(methods).toEqual([
      { t: 'ptb_2026_11', am: 'brin' },
      { t: 'ptb_2026_11', am: 'btree' },
      { t: 'ptb_2026_12', am: 'brin' },
      { t: 'ptb_2026_12', am: 'btree' },
    ]);
    expect(await packClosedPartitionIndexes(db, 'ptb', Date.UTC(2026, 11, 1))).toEqual(['ptb_2026_11_pkey']);
  });
});
