import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A BRIN index on `ts_kv.ts` (every partition, and the ones created later). The primary key
 * (entity_id, key, ts) cannot find the points of a time range across devices, which the hourly rollup
 * job reads every hour (`rollRange`: WHERE ts >= hour AND ts < hour + 1 h): without this index each
 * hour's rollup read the whole current partition (measured: a month partition of 2.6 million points,
 * 247 ms and 21,700 pages to roll up 3,600 points; with it 2.4 ms and 133 pages), so the job's cost grew
 * with the partition and, at a few thousand points a second, past an hour per hour. Points arrive in
 * time order, so 128-page ranges summarize them well, at ~24 kB per 170 MB of table; new ranges are
 * summarized by autovacuum as they fill (autosummarize).
 * Built in the migration: on an existing installation this reads ts_kv once while writes to it wait.
 */
export class TsKvTsBrin1766120000000 implements MigrationInterface {
  name = 'TsKvTsBrin1766120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ts_kv_ts_brin ON ts_kv USING brin (ts) WITH (autosummarize = on)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ts_kv_ts_brin');
  }
}
