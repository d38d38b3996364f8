import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device ids as small integers in ts_kv (issue 18: ≤ 60% of the old bytes per point). `ts_kv_entity`
 * gives each device uuid an integer, as `ts_kv_dictionary` does for key names; ts_kv stores
 * (entity_idx int4, key int4, ts int8, values): a 52-byte row and a 28-byte primary-key entry where
 * the uuid layout had 68 and 44 (no alignment padding: two int4 fill the 8 bytes before ts).
 * Still range-partitioned on ts, PK (entity_idx, key, ts): a Timescale hypertable candidate.
 * ts_kv_latest, attribute_kv and the rollup tables keep device uuids (one row per device and key, or
 * per ~60 points: the 12 bytes do not matter there).
 *
 * Existing points are not copied here: the partitioned ts_kv of 1765800000000, when it has rows, is
 * renamed `ts_kv_uuid` with its partitions and indexes (`ts_kv_2026_12` → `ts_kv_uuid_2026_12`) and
 * moved at start-up in batches by the same mover as `ts_kv_old` (TsKvMigrator, resumable, one
 * ts_kv_migration row per source: 1 = ts_kv_old, 2 = ts_kv_uuid). An empty one is dropped.
 */
/** ts_kv's value columns, the same in both layouts (this file's own copy: a shipped migration never changes). */
const VALUE_COLUMNS = 'bool_v boolean, long_v bigint, dbl_v double precision, str_v text, json_v jsonb';

export class TsKvEntityDictionary1766200000000 implements MigrationInterface {
  name = 'TsKvEntityDictionary1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP VIEW ts_kv_named;
      DO $$
      DECLARE
        r record;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM ts_kv LIMIT 1) THEN
          DROP TABLE ts_kv;
        ELSE
          -- every table of the tree and every index on them (index names share the namespace of the new tree's)
          -- (the loop's query reads the catalog with one snapshot, taken before the first rename)
          FOR r IN SELECT c.relname::text AS name, CASE WHEN c.relkind IN ('i', 'I') THEN 'INDEX' ELSE 'TABLE' END AS kind
                     FROM pg_class c
                    WHERE c.oid IN (SELECT relid FROM pg_partition_tree('ts_kv'::regclass))
                       OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT relid FROM pg_partition_tree('ts_kv'::regclass)))
                    ORDER BY 2, 1 LOOP
            EXECUTE format('ALTER %s %I RENAME TO %I', r.kind, r.name,
              CASE WHEN r.name LIKE 'ts\\_kv%' THEN 'ts_kv_uuid' || substr(r.name, 6) ELSE r.name || '_uuid' END);
          END LOOP;
        END IF;
      END $$;
      CREATE TABLE ts_kv_entity (
        entity_id uuid NOT NULL PRIMARY KEY,
        entity_idx serial UNIQUE
      );
      CREATE TABLE ts_kv (
        entity_idx integer NOT NULL,
        key integer NOT NULL,
        ts bigint NOT NULL,
        ${VALUE_COLUMNS},
        PRIMARY KEY (entity_idx, key, ts)
      ) PARTITION BY RANGE (ts);
      CREATE TABLE ts_kv_default PARTITION OF ts_kv DEFAULT;
      CREATE INDEX ts_kv_ts_brin ON ts_kv USING brin (ts) WITH (autosummarize = on);
      ALTER TABLE ts_kv_migration DROP CONSTRAINT ts_kv_migration_id_check;
      ALTER TABLE ts_kv_migration ADD CONSTRAINT ts_kv_migration_id_check CHECK (id IN (1, 2));
      -- device uuid and key name, for people and tests reading the table by hand
      CREATE VIEW ts_kv_named AS
        SELECT e.entity_id, d.key, t.ts, t.bool_v, t.long_v, t.dbl_v, t.str_v, t.json_v
        FROM ts_kv t JOIN ts_kv_entity e ON e.entity_idx = t.entity_idx JOIN ts_kv_dictionary d ON d.key_id = t.key;
    `);
  }

  /** Back to the partitioned layout with device uuids; its rows land in ts_kv_default until the upkeep job makes their partitions. */
  async down(q: QueryRunner): Promise<void> {
    const [moving] = (await q.query(`SELECT to_regclass('ts_kv_uuid')::text AS t`)) as { t: string | null }[];
    await q.query(`
      DROP VIEW ts_kv_named;
      CREATE TABLE ts_kv_back AS
        SELECT t.ts, e.entity_id, t.key, t.bool_v, t.long_v, t.dbl_v, t.str_v, t.json_v
        FROM ts_kv t JOIN ts_kv_entity e ON e.entity_idx = t.entity_idx;
      DROP TABLE ts_kv, ts_kv_entity;
      ${moving?.t ? 'INSERT INTO ts_kv_back SELECT * FROM ts_kv_uuid; DROP TABLE ts_kv_uuid;' : ''}
      DELETE FROM ts_kv_migration WHERE id = 2;
      ALTER TABLE ts_kv_migration DROP CONSTRAINT ts_kv_migration_id_check;
      ALTER TABLE ts_kv_migration ADD CONSTRAINT ts_kv_migration_id_check CHECK (id = 1);
      CREATE TABLE ts_kv (
        ts bigint NOT NULL,
        entity_id uuid NOT NULL,
        key integer NOT NULL,
        ${VALUE_COLUMNS},
        PRIMARY KEY (entity_id, key, ts)
      ) PARTITION BY RANGE (ts);
      CREATE TABLE ts_kv_default PARTITION OF ts_kv DEFAULT;
      CREATE INDEX ts_kv_ts_brin ON ts_kv USING brin (ts) WITH (autosummarize = on);
      INSERT INTO ts_kv SELECT * FROM ts_kv_back ON CONFLICT (entity_id, key, ts) DO NOTHING;
      DROP TABLE ts_kv_back;
      CREATE VIEW ts_kv_named AS
        SELECT t.entity_id, d.key, t.ts, t.bool_v, t.long_v, t.dbl_v, t.str_v, t.json_v
        FROM ts_kv t JOIN ts_kv_dictionary d ON d.key_id = t.key;
    `);
  }
}
