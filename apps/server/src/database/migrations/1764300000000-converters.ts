import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Converters1764300000000 implements MigrationInterface {
  name = 'Converters1764300000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE converter (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('UPLINK', 'DOWNLINK')),
        debug_mode boolean NOT NULL DEFAULT false,
        debug_mode_pinned boolean NOT NULL DEFAULT false,
        debug_mode_since bigint,
        configuration jsonb NOT NULL,
        additional_info jsonb,
        test_cases jsonb NOT NULL DEFAULT '[]'
      );
      CREATE INDEX converter_tenant_created_idx ON converter (tenant_id, created_time);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE converter');
  }
}
