import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What ThingsBoard's own REST client needs (issue 15): device profiles (every device points at one, named by
 * its type), an integration's routingKey and secret, and a `version` on the entities that are saved whole
 * (optimistic locking: a save naming an older version is refused).
 */
export class TbClient1765300000000 implements MigrationInterface {
  name = 'TbClient1765300000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE device_profile (
        id uuid PRIMARY KEY,
        created_time bigint NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text,
        is_default boolean NOT NULL DEFAULT false,
        profile_data jsonb,
        version bigint NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX device_profile_tenant_name_idx ON device_profile (tenant_id, name);
      CREATE UNIQUE INDEX device_profile_one_default_idx ON device_profile (tenant_id) WHERE is_default;

      INSERT INTO device_profile (id, created_time, tenant_id, name, is_default)
        SELECT gen_random_uuid(), (extract(epoch from now()) * 1000)::bigint, id, 'default', true FROM tenant;
      INSERT INTO device_profile (id, created_time, tenant_id, name)
        SELECT DISTINCT ON (tenant_id, type) gen_random_uuid(), (extract(epoch from now()) * 1000)::bigint, tenant_id, type
        FROM device WHERE type <> 'default';

      ALTER TABLE device ADD COLUMN device_profile_id uuid REFERENCES device_profile(id);
      UPDATE device d SET device_profile_id = p.id FROM device_profile p WHERE p.tenant_id = d.tenant_id AND p.name = d.type;
      ALTER TABLE device ALTER COLUMN device_profile_id SET NOT NULL;
      CREATE INDEX device_profile_idx ON device (device_profile_id);

      ALTER TABLE integration ADD COLUMN routing_key text, ADD COLUMN secret text;
      UPDATE integration SET routing_key = gen_random_uuid()::text WHERE routing_key IS NULL;
      ALTER TABLE integration ALTER COLUMN routing_key SET NOT NULL;
      -- unique per tenant (not globally, as ThingsBoard): a clash must not tell one tenant about another's keys
      CREATE UNIQUE INDEX integration_routing_key_idx ON integration (tenant_id, routing_key);

      ALTER TABLE device ADD COLUMN version bigint NOT NULL DEFAULT 1;
      ALTER TABLE converter ADD COLUMN version bigint NOT NULL DEFAULT 1;
      ALTER TABLE integration ADD COLUMN version bigint NOT NULL DEFAULT 1;
      ALTER TABLE rule_chain ADD COLUMN version bigint NOT NULL DEFAULT 1;
      ALTER TABLE dashboard ADD COLUMN version bigint NOT NULL DEFAULT 1;
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE dashboard DROP COLUMN version;
      ALTER TABLE rule_chain DROP COLUMN version;
      ALTER TABLE converter DROP COLUMN version;
      ALTER TABLE integration DROP COLUMN version, DROP COLUMN routing_key, DROP COLUMN secret;
      ALTER TABLE device DROP COLUMN version, DROP COLUMN device_profile_id;
      DROP TABLE device_profile;
    `);
  }
}
