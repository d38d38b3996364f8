import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Dashboards1764600000000 implements MigrationInterface {
  name = 'Dashboards1764600000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dashboard (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        title text NOT NULL,
        configuration jsonb NOT NULL
      );
      CREATE INDEX dashboard_tenant_created_idx ON dashboard (tenant_id, created_time);
      CREATE INDEX dashboard_tenant_title_idx ON dashboard (tenant_id, title);
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dashboard');
  }
}
