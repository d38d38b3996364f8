import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One trace per message: every debug event an uplink or an RPC causes carries its trace id. `seq` orders
 * a trace's events as they were recorded (microseconds, strictly increasing per process): many events
 * share a millisecond, and a trace's timeline must show the integration before the converter. Also the
 * index of the home page's recent errors.
 */
export class DebugEventTrace1766000000000 implements MigrationInterface {
  name = 'DebugEventTrace1766000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE debug_event ADD COLUMN trace_id uuid, ADD COLUMN seq bigint;
      CREATE INDEX debug_event_trace_idx ON debug_event (tenant_id, trace_id, seq) WHERE trace_id IS NOT NULL;
      -- the home page's recent errors (GET /api/home, every 5 s while open): only events with an error, so
      -- writing the others costs nothing more, and ten are found without reading all of a tenant's events
      CREATE INDEX debug_event_error_idx ON debug_event (tenant_id, ts DESC, id DESC) WHERE coalesce(body->>'error', '') <> '';
    `);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP INDEX debug_event_error_idx; DROP INDEX debug_event_trace_idx; ALTER TABLE debug_event DROP COLUMN trace_id, DROP COLUMN seq',
    );
  }
}
