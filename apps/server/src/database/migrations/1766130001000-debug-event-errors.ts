import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The home page's recent errors (GET /api/home, every 5 s while open): a tenant's newest events with an
 * error. Without this index the query read every event of the tenant (or the whole table by time) to
 * find ten; it holds only events with an error, so writing the others costs nothing more.
 */
export class DebugEventErrors1766130001000 implements MigrationInterface {
  name = 'DebugEventErrors1766130001000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX debug_event_error_idx ON debug_event (tenant_id, ts DESC, id DESC) WHERE coalesce(body->>'error', '') <> ''`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX debug_event_error_idx');
  }
}
