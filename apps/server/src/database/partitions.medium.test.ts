import { createTestDatabase } from '../../test/helpers.js';
import { openDatabase, type Db } from './db.js';
import { runOncePerCluster } from './cluster-lock.js';
import { dropPartitionsBefore, ensurePartitions, listPartitions } from './partitions.js';

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
});
