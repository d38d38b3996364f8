import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uplinks taken out of the stream because decoding them killed a sandbox worker, ran out of
 * memory, or kept failing for the sandbox's reasons: kept raw with their error, so they can be
 * looked at and reprocessed through a fixed converter.
 */
export class Quarantine1765000000000 implements MigrationInterface {
  name = 'Quarantine1765000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE quarantine (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        integration_id uuid NOT NULL,
        converter_id uuid,
        topic text NOT NULL,
        payload bytea NOT NULL,
        metadata jsonb NOT NULL,
        error text NOT NULL,
        error_code text NOT NULL,
        attempts int NOT NULL DEFAULT 1,
        received_time bigint NOT NULL
      );
      CREATE INDEX quarantine_integration_idx ON quarantine (tenant_id, integration_id, created_time DESC);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE quarantine');
  }
}
