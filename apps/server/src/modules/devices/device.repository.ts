import type { Device, PageData, PageQuery } from '@bridgeboard/contracts';
import type { Db, Queryable } from '../../database/db.js';
import { entityId, newId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';
import { versionGuard } from '../../common/versioning.js';
import { DeviceProfileRepository } from './device-profile.repository.js';

interface DeviceRow {
  id: string;
  created_time: string;
  tenant_id: string;
  name: string;
  type: string;
  label: string | null;
  additional_info: Record<string, unknown> | null;
  device_profile_id: string;
  version: string;
}

const toDevice = (r: DeviceRow): Device => ({
  id: entityId('DEVICE', r.id),
  createdTime: Number(r.created_time),
  tenantId: entityId('TENANT', r.tenant_id),
  name: r.name,
  type: r.type,
  label: r.label,
  deviceProfileId: entityId('DEVICE_PROFILE', r.device_profile_id),
  additionalInfo: r.additional_info,
  version: Number(r.version),
});

export interface DeviceWrite {
  name: string;
  type: string;
  deviceProfileId: string;
  label?: string | null;
  additionalInfo?: unknown;
}

const SORT = sortColumns({ name: 'name', type: 'type', label: 'label', createdTime: 'created_time' });

/** Devices; every method takes the tenant first, so no call can cross tenants. */
export class DeviceRepository {
  readonly profiles: DeviceProfileRepository;

  constructor(private readonly db: Db) {
    this.profiles = new DeviceProfileRepository(db);
  }

  async page(tenantId: string, p: PageQuery, type?: string): Promise<PageData<Device>> {
    const like = likePattern(p.textSearch);
    const where = `tenant_id = $1 AND ($2::text IS NULL OR name ILIKE $2 OR label ILIKE $2 OR type ILIKE $2) AND ($3::text IS NULL OR type = $3)`;
    const rows = await this.db.query<DeviceRow>(
      `SELECT * FROM device WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $4 OFFSET $5`,
      [tenantId, like, type ?? null, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM device WHERE ${where}`, [tenantId, like, type ?? null]);
    return toPage(rows.map(toDevice), Number(c!.n), p);
  }

  async findById(tenantId: string, id: string): Promise<Device | null> {
    const [r] = await this.db.query<DeviceRow>('SELECT * FROM device WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return r ? toDevice(r) : null;
  }

  async findByName(tenantId: string, name: string): Promise<Device | null> {
    const [r] = await this.db.query<DeviceRow>('SELECT * FROM device WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
    return r ? toDevice(r) : null;
  }

  async findByNames(tenantId: string, names: string[], q: Queryable = this.db): Promise<Device[]> {
    const rows = await q.query<DeviceRow>('SELECT * FROM device WHERE tenant_id = $1 AND name = ANY($2::text[])', [tenantId, names]);
    return rows.map(toDevice);
  }

  /**
   * Finds or creates devices by name in one round trip; concurrent callers for the same
   * new name get the same single device (the unique index decides). `created` lists the new ones.
   * `limits`: create at most `maxNew`, and none past `maxTotal` devices in the tenant (0 = no limit);
   * names left over are missing from `devices`. New names go in sorted order (as TelemetryRepository's
   * byKey): overlapping batches wait on each other's new index entries in one order, never in a cycle.
   */
  async findOrCreate(
    tenantId: string,
    wanted: { name: string; type: string }[],
    q: Queryable = this.db,
    limits: { maxNew: number; maxTotal: number } = { maxNew: Infinity, maxTotal: 0 },
  ): Promise<{ devices: Map<string, Device>; created: Device[] }> {
    const uniq = new Map<string, string>();
    for (const w of wanted) if (!uniq.has(w.name)) uniq.set(w.name, w.type);
    const names = [...uniq.keys()];
    const now = Date.now();
    const maxNew = Number.isFinite(limits.maxNew) ? limits.maxNew : null;
    const params = [now, tenantId, names, names.map((n) => uniq.get(n)!), maxNew, limits.maxTotal];
    // LIMIT NULL is no limit; the tenant's count is only taken when there is a tenant limit
    const fresh = `SELECT n, t FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(n, t, o)
         WHERE NOT EXISTS (SELECT 1 FROM device d WHERE d.tenant_id = $2 AND d.name = x.n)
         ORDER BY o
         LIMIT CASE WHEN $6::bigint > 0
                    THEN least($5::bigint, greatest(0, $6::bigint - (SELECT count(*) FROM device WHERE tenant_id = $2)))
                    ELSE $5::bigint END`;
    // Each device belongs to the profile its type names. Those profiles first, only for devices the limits let in,
    // in a statement of their own: the insert below then sees them even when a concurrent batch made them.
    const types = await q.query<{ t: string }>(
      `SELECT DISTINCT t FROM (${fresh}) y WHERE $1::bigint IS NOT NULL`,
      params,
    );
    if (types.length)
      await this.profiles.ensure(
        tenantId,
        types.map((r) => r.t),
        q,
      );
    const inserted = await q.query<DeviceRow>(
      `INSERT INTO device (id, created_time, tenant_id, name, type, device_profile_id)
       SELECT gen_random_uuid(), $1, $2, n, t, (SELECT p.id FROM device_profile p WHERE p.tenant_id = $2 AND p.name = y.t)
       FROM (${fresh}) y
       ORDER BY n COLLATE "C"
       ON CONFLICT (tenant_id, name) DO NOTHING RETURNING *`,
      params,
    );
    const created = inserted.map(toDevice);
    const devices = new Map<string, Device>(created.map((d) => [d.name, d]));
    const missing = names.filter((n) => !devices.has(n));
    if (missing.length) for (const d of await this.findByNames(tenantId, missing, q)) devices.set(d.name, d);
    return { devices, created };
  }

  async insert(tenantId: string, d: DeviceWrite): Promise<Device> {
    const [r] = await this.db.query<DeviceRow>(
      `INSERT INTO device (id, created_time, tenant_id, name, type, label, additional_info, device_profile_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        newId(),
        Date.now(),
        tenantId,
        d.name,
        d.type,
        d.label ?? null,
        d.additionalInfo ?? null,
        d.deviceProfileId,
      ],
    );
    return toDevice(r!);
  }

  /** null when there is no such device, or (with `version`) when it is at another version. */
  async update(
    tenantId: string,
    id: string,
    d: DeviceWrite,
    version?: number | null,
  ): Promise<Device | null> {
    const [r] = await this.db.query<DeviceRow>(
      `UPDATE device SET name = $3, type = $4, label = $5, additional_info = $6, device_profile_id = $7, version = version + 1
       WHERE tenant_id = $1 AND id = $2 AND ${versionGuard(8)} RETURNING *`,
      [
        tenantId,
        id,
        d.name,
        d.type,
        d.label ?? null,
        d.additionalInfo ?? null,
        d.deviceProfileId,
        version ?? null,
      ],
    );
    return r ? toDevice(r) : null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (
      (
        await this.db.query('DELETE FROM device WHERE tenant_id = $1 AND id = $2 RETURNING id', [
          tenantId,
          id,
        ])
      ).length > 0
    );
  }
}
