import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19, converter lifecycle: every save of a converter kept as a version; every uplink kept raw
 * (partitioned by day on its receive time, whole days dropped past RAW_RETENTION_DAYS) with the
 * converter version that decoded it; replay jobs kept in a table so any node can answer for them.
 */
export class ConverterLifecycle1765900000000 implements MigrationInterface {
  name = 'ConverterLifecycle1765900000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE converter_version (
        converter_id uuid NOT NULL REFERENCES converter(id) ON DELETE CASCADE,
        version bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        created_time bigint NOT NULL,
        created_by uuid,
        created_by_email text,
        comment text,
        name text NOT NULL,
        configuration jsonb NOT NULL,
        PRIMARY KEY (converter_id, version)
      );
      -- the converters saved before versions existed: their current state is their first known version
      INSERT INTO converter_version (converter_id, version, tenant_id, created_time, name, configuration)
        SELECT id, version, tenant_id, created_time, name, configuration FROM converter;

      CREATE TABLE raw_message (
        received_time bigint NOT NULL,
        tenant_id uuid NOT NULL,
        integration_id uuid NOT NULL,
        converter_id uuid NOT NULL,
        converter_version bigint NOT NULL,
        topic text NOT NULL,
        payload bytea NOT NULL,
        -- the integration's own metadata; topic and integrationName are added back when read
        metadata jsonb
      ) PARTITION BY RANGE (received_time);
      -- every read is one converter's window (replay, testOnArchive, latest): without this index each
      -- of them would read every tenant's messages of the window (a quiet converter: the whole archive)
      CREATE INDEX raw_message_converter_time_idx ON raw_message (converter_id, received_time);

      CREATE TABLE replay_job (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        converter_id uuid NOT NULL REFERENCES converter(id) ON DELETE CASCADE,
        status text NOT NULL,
        dry_run boolean NOT NULL,
        request jsonb NOT NULL,
        total int NOT NULL DEFAULT 0,
        processed int NOT NULL DEFAULT 0,
        created_time bigint NOT NULL,
        finished_time bigint,
        result jsonb,
        error text,
        -- the node running it: a RUNNING job whose node has no heartbeat is answered FAILED
        node_id text
      );
      CREATE INDEX replay_job_converter_idx ON replay_job (tenant_id, converter_id, created_time DESC);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE replay_job; DROP TABLE raw_message; DROP TABLE converter_version');
  }
}
