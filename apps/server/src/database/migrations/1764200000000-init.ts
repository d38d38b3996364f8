import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764200000000 implements MigrationInterface {
  name = 'Init1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE installation (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE tenant (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        title text NOT NULL
      );
      CREATE TABLE tb_user (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid REFERENCES tenant(id) ON DELETE CASCADE,
        email text NOT NULL,
        authority text NOT NULL CHECK (authority IN ('SYS_ADMIN', 'TENANT_ADMIN')),
        first_name text,
        last_name text,
        password_hash text,
        activate_token text,
        enabled boolean NOT NULL DEFAULT true
      );
      CREATE UNIQUE INDEX tb_user_email_idx ON tb_user (lower(email));
      CREATE UNIQUE INDEX tb_user_activate_idx ON tb_user (activate_token) WHERE activate_token IS NOT NULL;
      CREATE TABLE refresh_token (
        jti uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES tb_user(id) ON DELETE CASCADE,
        expires_at bigint NOT NULL,
        used boolean NOT NULL DEFAULT false
      );
      CREATE TABLE device (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        name text NOT NULL,
        type text NOT NULL,
        label text,
        additional_info jsonb
      );
      CREATE UNIQUE INDEX device_tenant_name_idx ON device (tenant_id, name);
      CREATE INDEX device_tenant_type_idx ON device (tenant_id, type);
      CREATE INDEX device_tenant_created_idx ON device (tenant_id, created_time);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE device, refresh_token, tb_user, tenant, installation`);
  }
}
