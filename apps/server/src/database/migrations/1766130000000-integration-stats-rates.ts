import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integration rates kept across restarts (issue 20): uplinks and errors per minute of the last 15 minutes,
 * as {"<minute since the epoch>": count}, added to with the counters every flush (several nodes add up);
 * `integration_minutes_add` sums two such objects and leaves out minutes before `since`.
 */
export class IntegrationStatsRates1766130000000 implements MigrationInterface {
  name = 'IntegrationStatsRates1766130000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE integration_stats ADD COLUMN per_minute_in jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN per_minute_errors jsonb NOT NULL DEFAULT '{}';
      CREATE FUNCTION integration_minutes_add(a jsonb, b jsonb, since bigint) RETURNS jsonb
        LANGUAGE sql IMMUTABLE AS $$
          SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb) FROM (
            SELECT k, sum(v::numeric) AS n
            FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) AS u(k, v)
            WHERE k::bigint >= since GROUP BY k
          ) AS m
        $$;
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION integration_minutes_add(jsonb, jsonb, bigint);
      ALTER TABLE integration_stats DROP COLUMN per_minute_in, DROP COLUMN per_minute_errors;
    `);
  }
}
