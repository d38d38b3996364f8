import type { TenantUsage } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';

/** the `active` server attribute row of alias a */
const ACTIVE = `a.scope = 'SERVER_SCOPE' AND a.key = 'active'`;

/** Below this many time series points (Postgres's estimate) the usage table counts them exactly. */
const POINTS_EXACT_BELOW = 1_000_000;
/** Above it, about this many points are sampled (whole pages, TABLESAMPLE SYSTEM) and scaled. */
const POINTS_SAMPLE = 200_000;
/** the size of one ts_kv row with its share of the page, for a partition not analyzed yet */
const BYTES_PER_POINT = 52;

/** Device activity attributes and usage counts; every tenant read is scoped by tenant. */
export class ActivityRepository {
  constructor(
    private readonly db: Db,
    private readonly points = { exactBelow: POINTS_EXACT_BELOW, sample: POINTS_SAMPLE },
  ) {}

  /** The devices' own inactivityTimeout server attribute (ms), where set. */
  async timeouts(deviceIds: string[]): Promise<Map<string, number>> {
    const rows = await this.db.query<{ entity_id: string; v: string | null }>(
      `SELECT entity_id, coalesce(long_v::text, dbl_v::text, str_v) AS v FROM attribute_kv
       WHERE entity_id = ANY($1::uuid[]) AND scope = 'SERVER_SCOPE' AND key = 'inactivityTimeout'`,
      [deviceIds],
    );
    return new Map(rows.filter((r) => r.v !== null).map((r) => [r.entity_id, Number(r.v)]));
  }

  /** The devices' stored lastActivityTime (any node may have written it). */
  async lastActivity(deviceIds: string[]): Promise<Map<string, number>> {
    const rows = await this.db.query<{ entity_id: string; last: string }>(
      `SELECT entity_id, long_v AS last FROM attribute_kv
       WHERE entity_id = ANY($1::uuid[]) AND scope = 'SERVER_SCOPE' AND key = 'lastActivityTime' AND long_v IS NOT NULL`,
      [deviceIds],
    );
    return new Map(rows.map((r) => [r.entity_id, Number(r.last)]));
  }

  /** Which of these devices still exist. */
  async existing(deviceIds: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM device WHERE id = ANY($1::uuid[])', [
      deviceIds,
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /** Devices whose `active` attribute is true, with their lastActivityTime (restored at start). */
  async activeDevices(): Promise<{ tenantId: string; deviceId: string; lastActivityTime: number }[]> {
    const rows = await this.db.query<{ tenant_id: string; entity_id: string; last: string | null }>(
      `SELECT d.tenant_id, a.entity_id, l.long_v AS last FROM attribute_kv a
       JOIN device d ON d.id = a.entity_id
       LEFT JOIN attribute_kv l ON l.entity_id = a.entity_id AND l.scope = 'SERVER_SCOPE' AND l.key = 'lastActivityTime'
       WHERE ${ACTIVE} AND a.bool_v`,
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      deviceId: r.entity_id,
      lastActivityTime: Number(r.last ?? 0),
    }));
  }

  /** active / lastActivityTime of some devices of a tenant (a page of the device list). */
  async activityOf(
    tenantId: string,
    deviceIds: string[],
  ): Promise<Map<string, { active: boolean; lastActivityTime: number | null }>> {
    const rows = await this.db.query<{ id: string; active: boolean | null; last: string | null }>(
      `SELECT d.id, a.bool_v AS active, l.long_v AS last FROM device d
       LEFT JOIN attribute_kv a ON a.entity_id = d.id AND ${ACTIVE}
       LEFT JOIN attribute_kv l ON l.entity_id = d.id AND l.scope = 'SERVER_SCOPE' AND l.key = 'lastActivityTime'
       WHERE d.tenant_id = $1 AND d.id = ANY($2::uuid[])`,
      [tenantId, deviceIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { active: r.active === true, lastActivityTime: r.last === null ? null : Number(r.last) },
      ]),
    );
  }

  async deviceCounts(tenantId: string): Promise<{ total: number; active: number }> {
    const [r] = await this.db.query<{ total: string; active: string }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE a.bool_v) AS active FROM device d
       LEFT JOIN attribute_kv a ON a.entity_id = d.id AND ${ACTIVE}
       WHERE d.tenant_id = $1`,
      [tenantId],
    );
    return { total: Number(r!.total), active: Number(r!.active) };
  }

  /**
   * Every tenant's usage (sysadmin). Data points are counted exactly while the time series table is
   * small; past POINTS_EXACT_BELOW rows (Postgres's estimate) a sample of about POINTS_SAMPLE rows is
   * counted per tenant and scaled, so the page never reads a 100-million-row table.
   */
  async usage(): Promise<TenantUsage[]> {
    const points = await this.pointsPerTenant();
    const rows = await this.db.query<{
      id: string;
      title: string;
      devices: string;
      active: string;
      integrations: string;
      messages: string;
      events: string;
    }>(
      `SELECT t.id, t.title,
         (SELECT count(*) FROM device d WHERE d.tenant_id = t.id) AS devices,
         (SELECT count(*) FROM device d JOIN attribute_kv a ON a.entity_id = d.id AND ${ACTIVE} AND a.bool_v WHERE d.tenant_id = t.id) AS active,
         (SELECT count(*) FROM integration i WHERE i.tenant_id = t.id) AS integrations,
         (SELECT coalesce(sum(s.messages_in), 0) FROM integration_stats s JOIN integration i ON i.id = s.integration_id WHERE i.tenant_id = t.id) AS messages,
         (SELECT count(*) FROM debug_event e WHERE e.tenant_id = t.id) AS events
       FROM tenant t
       ORDER BY t.title, t.id`,
    );
    return rows.map((r) => ({
      tenantId: r.id,
      title: r.title,
      devices: Number(r.devices),
      activeDevices: Number(r.active),
      integrations: Number(r.integrations),
      messages: Number(r.messages),
      dataPoints: points.get(r.id) ?? 0,
      debugEvents: Number(r.events),
    }));
  }

  /** ts_kv points per tenant (through the device): exact, or sampled and scaled when the table is large. */
  private async pointsPerTenant(): Promise<Map<string, number>> {
    // planner statistics of each partition; one never analyzed yet is sized by its bytes
    const [est] = await this.db.query<{ n: string | null }>(
      `SELECT sum(CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE pg_relation_size(c.oid) / ${BYTES_PER_POINT} END) AS n
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ts_kv'::regclass`,
    );
    const estimate = Number(est?.n ?? 0);
    const percent =
      estimate < this.points.exactBelow ? 100 : Math.min(100, (100 * this.points.sample) / estimate);
    const rows = await this.db.query<{ tenant_id: string; n: string }>(
      `SELECT d.tenant_id, count(*) AS n FROM ts_kv k ${percent < 100 ? 'TABLESAMPLE SYSTEM ($1)' : ''}
       JOIN ts_kv_entity e ON e.entity_idx = k.entity_idx JOIN device d ON d.id = e.entity_id GROUP BY d.tenant_id`,
      percent < 100 ? [percent] : [],
    );
    return new Map(rows.map((r) => [r.tenant_id, Math.round((Number(r.n) * 100) / percent)]));
  }
}
