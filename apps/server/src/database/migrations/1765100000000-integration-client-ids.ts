import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integrations saved without a client id now get a random one (secrets.generatedClientId) instead of
 * one derived from their id. Existing ones keep the id they connected with (bb_<id without dashes>), so
 * their persistent session, and the QoS 1 messages the broker queued for it, stay theirs.
 */
export class IntegrationClientIds1765100000000 implements MigrationInterface {
  name = 'IntegrationClientIds1765100000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE integration
         SET secrets = coalesce(secrets, '{}'::jsonb) || jsonb_build_object('generatedClientId', 'bb_' || replace(id::text, '-', ''))
       WHERE secrets->>'generatedClientId' IS NULL
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE integration SET secrets = secrets - 'generatedClientId'`);
  }
}
