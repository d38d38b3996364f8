import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RuleChainsRpc1764500000000 implements MigrationInterface {
  name = 'RuleChainsRpc1764500000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rule_chain (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        name text NOT NULL,
        root boolean NOT NULL DEFAULT false,
        first_node_id uuid,
        debug_mode boolean NOT NULL DEFAULT false,
        configuration jsonb,
        additional_info jsonb
      );
      CREATE UNIQUE INDEX rule_chain_one_root_idx ON rule_chain (tenant_id) WHERE root;
      CREATE INDEX rule_chain_tenant_idx ON rule_chain (tenant_id, created_time);
      CREATE TABLE rule_node (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        rule_chain_id uuid NOT NULL REFERENCES rule_chain(id) ON DELETE CASCADE,
        idx integer NOT NULL,
        type text NOT NULL,
        name text NOT NULL,
        debug_mode boolean NOT NULL DEFAULT false,
        debug_since bigint,
        debug_pinned boolean NOT NULL DEFAULT false,
        configuration jsonb NOT NULL,
        additional_info jsonb
      );
      CREATE INDEX rule_node_chain_idx ON rule_node (rule_chain_id, idx);
      CREATE TABLE rule_node_connection (
        rule_chain_id uuid NOT NULL REFERENCES rule_chain(id) ON DELETE CASCADE,
        from_id uuid NOT NULL REFERENCES rule_node(id) ON DELETE CASCADE,
        to_id uuid NOT NULL REFERENCES rule_node(id) ON DELETE CASCADE,
        type text NOT NULL,
        PRIMARY KEY (from_id, to_id, type)
      );
      CREATE INDEX rule_node_connection_chain_idx ON rule_node_connection (rule_chain_id);
      CREATE TABLE rpc (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        device_id uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
        expiration_time bigint NOT NULL,
        oneway boolean NOT NULL,
        request jsonb NOT NULL,
        response jsonb,
        status text NOT NULL,
        additional_info jsonb,
        -- what to publish once the integration connects (a persistent call queued while it was disconnected)
        out_integration_id uuid,
        out_topic text,
        out_payload bytea
      );
      CREATE INDEX rpc_device_idx ON rpc (tenant_id, device_id, created_time DESC);
      CREATE INDEX rpc_open_idx ON rpc (status, expiration_time) WHERE status IN ('QUEUED', 'SENT', 'DELIVERED');
    
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rpc, rule_node_connection, rule_node, rule_chain');
  }
}
