import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cluster: the nodes that share one database (a row each, kept alive by a heartbeat) and which
 * node runs each integration (a lease with an epoch that grows on every change of owner).
 */
export class Cluster1765700000000 implements MigrationInterface {
  name = 'Cluster1765700000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cluster_node (
        id text PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        port integer NOT NULL,
        version text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        stopping boolean NOT NULL DEFAULT false,
        load jsonb NOT NULL DEFAULT '{}'
      );
      CREATE TABLE integration_lease (
        integration_id uuid PRIMARY KEY REFERENCES integration(id) ON DELETE CASCADE,
        node_id text NOT NULL,
        epoch bigint NOT NULL DEFAULT 1,
        acquired_at timestamptz NOT NULL DEFAULT now(),
        state text NOT NULL DEFAULT 'CONNECTING'
      );
      CREATE INDEX integration_lease_node ON integration_lease (node_id);
      -- @socket.io/postgres-adapter: live events larger than a NOTIFY payload
      CREATE TABLE socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      );
      CREATE TABLE cluster_message (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        body text NOT NULL
      );
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE socket_io_attachments; DROP TABLE cluster_message; DROP TABLE integration_lease; DROP TABLE cluster_node;',
    );
  }
}
