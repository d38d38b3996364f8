import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time series by time range (issue 18). `ts_kv` becomes a table range-partitioned on `ts`
 * (partitions of TS_PARTITION, created ahead by the partition job, plus `ts_kv_default` for
 * points far outside them) whose keys are small integers from `ts_kv_dictionary`, as in
 * ThingsBoard. The layout stays a Timescale hypertable candidate: ts bigint, PK (entity_id, key, ts).
 *
 * Existing rows are not copied here (that could take hours inside one migration transaction):
 * the old table is kept as `ts_kv_old` and copied at start-up in batches by TsKvMigrator,
 * which records its position in `ts_kv_migration` and drops `ts_kv_old` when done.
 * Columns are ordered so that a row has no alignment padding (bigint first, uuid is byte-aligned).
 */
export class TsKvPartitioned1765800000000 implements MigrationInterface {
  name = 'TsKvPartitioned1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ts_kv RENAME TO ts_kv_old;
      ALTER INDEX ts_kv_pkey RENAME TO ts_kv_old_pkey;
      CREATE TABLE ts_kv_dictionary (
        key text NOT NULL PRIMARY KEY,
        key_id serial UNIQUE
      );
      CREATE TABLE ts_kv (
        ts bigint NOT NULL,
        entity_id uuid NOT NULL,
        key integer NOT NULL,
        bool_v boolean,
        long_v bigint,
        dbl_v double precision,
        str_v text,
        json_v jsonb,
        PRIMARY KEY (entity_id, key, ts)
      ) PARTITION BY RANGE (ts);
      CREATE TABLE ts_kv_default PARTITION OF ts_kv DEFAULT;
      -- the hourly rollup reads one hour across all devices, which the PK (entity_id, key, ts) cannot find:
      -- a BRIN on ts (points arrive in time order; ~24 kB per 170 MB) makes that read 133 pages, not 21,700
      CREATE INDEX ts_kv_ts_brin ON ts_kv USING brin (ts) WITH (autosummarize = on);
      CREATE TABLE ts_kv_migration (
        id integer PRIMARY KEY CHECK (id = 1),
        started_at bigint NOT NULL,
        total bigint NOT NULL,
        copied bigint NOT NULL DEFAULT 0,
        last_entity_id uuid,
        last_key text,
        last_ts bigint
      );
      ALTER TABLE tenant ADD COLUMN telemetry_ttl_days integer CHECK (telemetry_ttl_days >= 0);
      -- The key dictionary by name for people and tests reading the table by hand.
      CREATE VIEW ts_kv_named AS
        SELECT t.entity_id, d.key, t.ts, t.bool_v, t.long_v, t.dbl_v, t.str_v, t.json_v
        FROM ts_kv t JOIN ts_kv_dictionary d ON d.key_id = t.key;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP VIEW ts_kv_named;
      ALTER TABLE tenant DROP COLUMN telemetry_ttl_days;
      DROP TABLE ts_kv_migration;
      CREATE TABLE ts_kv_back (entity_id uuid NOT NULL, key text NOT NULL, ts bigint NOT NULL, bool_v boolean, long_v bigint,
        dbl_v double precision, str_v text, json_v jsonb, PRIMARY KEY (entity_id, key, ts));
      INSERT INTO ts_kv_back SELECT t.entity_id, d.key, t.ts, t.bool_v, t.long_v, t.dbl_v, t.str_v, t.json_v
        FROM ts_kv t JOIN ts_kv_dictionary d ON d.key_id = t.key;
      DROP TABLE ts_kv, ts_kv_dictionary;
      ALTER TABLE ts_kv_back RENAME TO ts_kv;
      ALTER INDEX ts_kv_back_pkey RENAME TO ts_kv_pkey;
    `);
  }
}
