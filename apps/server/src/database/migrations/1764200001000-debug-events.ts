import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DebugEvents1764200001000 implements MigrationInterface {
  name = 'DebugEvents1764200001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE debug_event (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        entity_type text NOT NULL,
        entity_id uuid NOT NULL,
        ts bigint NOT NULL,
        type text NOT NULL,
        body jsonb NOT NULL
      );
      CREATE INDEX debug_event_entity_ts_idx ON debug_event (tenant_id, entity_type, entity_id, ts DESC);
      CREATE INDEX debug_event_ts_idx ON debug_event (ts);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE debug_event');
  }
}
