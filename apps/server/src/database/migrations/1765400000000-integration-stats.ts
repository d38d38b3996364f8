import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Integration counters (in, out, errors, last message, last error) kept across restarts. */
export class IntegrationStats1765400000000 implements MigrationInterface {
  name = 'IntegrationStats1765400000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integration_stats (
        integration_id uuid PRIMARY KEY REFERENCES integration(id) ON DELETE CASCADE,
        messages_in bigint NOT NULL DEFAULT 0,
        messages_out bigint NOT NULL DEFAULT 0,
        errors bigint NOT NULL DEFAULT 0,
        last_message_time bigint,
        last_error text
      );
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE integration_stats');
  }
}
