import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly rollup of numeric time series (issue 18, second part). `ts_kv_rollup_hour` holds per
 * (device, key, UTC hour) the count of points, the count of numeric ones and their sum/min/max;
 * partitioned on `hour` like ts_kv (same unit, same retention). `ts_kv_rollup_state` is the job's
 * watermark: every hour before it is rolled up, except the (device, key, hour) rows listed in
 * `ts_kv_rollup_dirty` (points that arrived after their hour was rolled up; recomputed by the job).
 * `pending_from` is set while the job rolls up [pending_from, watermark): readers use the rollup only
 * before it, and a job that crashed there starts again from it.
 */
export class TsKvRollup1765850000000 implements MigrationInterface {
  name = 'TsKvRollup1765850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ts_kv_rollup_hour (
        hour bigint NOT NULL,
        entity_id uuid NOT NULL,
        key integer NOT NULL,
        cnt integer NOT NULL,
        num_cnt integer NOT NULL,
        sum_v double precision,
        min_v double precision,
        max_v double precision,
        PRIMARY KEY (entity_id, key, hour)
      ) PARTITION BY RANGE (hour);
      CREATE TABLE ts_kv_rollup_hour_default PARTITION OF ts_kv_rollup_hour DEFAULT;
      CREATE TABLE ts_kv_rollup_state (
        id integer PRIMARY KEY CHECK (id = 1),
        watermark bigint,
        pending_from bigint
      );
      INSERT INTO ts_kv_rollup_state (id) VALUES (1);
      CREATE TABLE ts_kv_rollup_dirty (
        entity_id uuid NOT NULL,
        key integer NOT NULL,
        hour bigint NOT NULL,
        PRIMARY KEY (entity_id, key, hour)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ts_kv_rollup_dirty, ts_kv_rollup_state, ts_kv_rollup_hour');
  }
}
