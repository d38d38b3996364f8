import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 review: a replay job names the node running it, so a job whose node died (no heartbeat in
 * cluster_node) is answered FAILED instead of RUNNING forever. cancel_requested was written, never read
 * (a cancel is the status CANCELLED, which the runner checks at each chunk).
 */
export class ReplayJobNode1766110000000 implements MigrationInterface {
  name = 'ReplayJobNode1766110000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE replay_job ADD COLUMN node_id text, DROP COLUMN cancel_requested');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE replay_job DROP COLUMN node_id, ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false',
    );
  }
}
