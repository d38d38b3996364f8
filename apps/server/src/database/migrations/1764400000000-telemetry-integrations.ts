import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time series, latest values, attributes and MQTT integrations.
 * ts_kv has no foreign key to device: at millions of rows the per-row check costs more than it
 * protects; the telemetry module deletes a device's history when the device is deleted.
 * The primary keys are the read paths of contracts.md: (entity_id, key, ts) serves history
 * ranges and aggregation per key, (entity_id, key) the latest values and key lists.
 */
export class TelemetryIntegrations1764400000000 implements MigrationInterface {
  name = 'TelemetryIntegrations1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ts_kv (
        entity_id uuid NOT NULL,
        key text NOT NULL,
        ts bigint NOT NULL,
        bool_v boolean,
        long_v bigint,
        dbl_v double precision,
        str_v text,
        json_v jsonb,
        PRIMARY KEY (entity_id, key, ts)
      );
      CREATE TABLE ts_kv_latest (
        entity_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        key text NOT NULL,
        ts bigint NOT NULL,
        bool_v boolean,
        long_v bigint,
        dbl_v double precision,
        str_v text,
        json_v jsonb,
        PRIMARY KEY (entity_id, key)
      );
      CREATE TABLE attribute_kv (
        entity_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        scope text NOT NULL CHECK (scope IN ('SERVER_SCOPE', 'SHARED_SCOPE', 'CLIENT_SCOPE')),
        key text NOT NULL,
        bool_v boolean,
        long_v bigint,
        dbl_v double precision,
        str_v text,
        json_v jsonb,
        last_update_ts bigint NOT NULL,
        PRIMARY KEY (entity_id, scope, key)
      );
      CREATE TABLE integration (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        name text NOT NULL,
        type text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        debug_mode boolean NOT NULL DEFAULT false,
        debug_mode_since bigint,
        debug_mode_pinned boolean NOT NULL DEFAULT false,
        default_converter_id uuid NOT NULL,
        downlink_converter_id uuid,
        configuration jsonb NOT NULL,
        secrets jsonb NOT NULL DEFAULT '{}',
        additional_info jsonb
      );
      CREATE INDEX integration_tenant_name_idx ON integration (tenant_id, name);
      CREATE INDEX integration_default_converter_idx ON integration (default_converter_id);
      CREATE INDEX integration_downlink_converter_idx ON integration (downlink_converter_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE integration, attribute_kv, ts_kv_latest, ts_kv');
  }
}
