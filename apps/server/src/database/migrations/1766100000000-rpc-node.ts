import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cluster node that sends (or waits for the reply of) a persistent RPC: when that node is gone, another
 * takes the call over (sends it again or waits for its reply) instead of leaving it open until it expires.
 */
export class RpcNode1766100000000 implements MigrationInterface {
  name = 'RpcNode1766100000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rpc ADD COLUMN node_id text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rpc DROP COLUMN node_id');
  }
}
