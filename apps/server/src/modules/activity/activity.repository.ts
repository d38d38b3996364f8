import type { TenantUsage } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';

/** the `active` server attribute row of alias a */
const ACTIVE = `a.scope = 'SERVER_SCOPE' AND a.key = 'active'`;

/** Device activity attributes and usage counts; every tenant read is scoped by tenant. */
export class ActivityRepository {
  constructor(private readonly db: Db) {}

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

  /** Every tenant's usage (sysadmin); counting time series points reads the whole table, so callers cache it. */
  async usage(): Promise<TenantUsage[]> {
    const rows = await this.db.query<{
      id: string;
      title: string;
      devices: string;
      active: string;
      integrations: string;
      messages: string;
      points: string;
      events: string;
    }>(
      `SELECT t.id, t.title,
         (SELECT count(*) FROM device d WHERE d.tenant_id = t.id) AS devices,
         (SELECT count(*) FROM device d JOIN attribute_kv a ON a.entity_id = d.id AND ${ACTIVE} AND a.bool_v WHERE d.tenant_id = t.id) AS active,
         (SELECT count(*) FROM integration i WHERE i.tenant_id = t.id) AS integrations,
         (SELECT coalesce(sum(s.messages_in), 0) FROM integration_stats s JOIN integration i ON i.id = s.integration_id WHERE i.tenant_id = t.id) AS messages,
         coalesce(p.n, 0) AS points,
         (SELECT count(*) FROM debug_event e WHERE e.tenant_id = t.id) AS events
       FROM tenant t
       LEFT JOIN (SELECT d.tenant_id, count(*) AS n FROM ts_kv k JOIN device d ON d.id = k.entity_id GROUP BY d.tenant_id) p ON p.tenant_id = t.id
       ORDER BY t.title, t.id`,
    );
    return rows.map((r) => ({
      tenantId: r.id,
      title: r.title,
      devices: Number(r.devices),
      activeDevices: Number(r.active),
      integrations: Number(r.integrations),
      messages: Number(r.messages),
      dataPoints: Number(r.points),
      debugEvents: Number(r.events),
    }));
  }
}
