import type { DeviceProfile, DeviceProfileInfo, PageData, PageQuery } from '@bridgeboard/contracts';
import type { Db, Queryable } from '../../database/db.js';
import { entityId, newId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';
import { versionGuard } from '../../common/versioning.js';

interface Row {
  id: string;
  created_time: string;
  tenant_id: string;
  name: string;
  description: string | null;
  is_default: boolean;
  profile_data: Record<string, unknown> | null;
  version: string;
}

/** ThingsBoard's profile data for a profile that configures nothing (devices come through integrations). */
const DEFAULT_PROFILE_DATA = {
  configuration: { type: 'DEFAULT' },
  transportConfiguration: { type: 'DEFAULT' },
  provisionConfiguration: { type: 'DISABLED', provisionDeviceSecret: null },
  alarms: null,
};

export const DEFAULT_PROFILE = 'default';

const toProfile = (r: Row): DeviceProfile => ({
  id: entityId('DEVICE_PROFILE', r.id),
  createdTime: Number(r.created_time),
  tenantId: entityId('TENANT', r.tenant_id),
  name: r.name,
  description: r.description,
  image: null,
  type: 'DEFAULT',
  transportType: 'DEFAULT',
  provisionType: 'DISABLED',
  defaultRuleChainId: null,
  defaultDashboardId: null,
  defaultQueueName: null,
  provisionDeviceKey: null,
  firmwareId: null,
  softwareId: null,
  defaultEdgeRuleChainId: null,
  default: r.is_default,
  profileData: r.profile_data ?? DEFAULT_PROFILE_DATA,
  version: Number(r.version),
});

export const toProfileInfo = (p: DeviceProfile): DeviceProfileInfo => ({
  id: p.id,
  tenantId: p.tenantId,
  name: p.name,
  image: null,
  defaultDashboardId: null,
  type: 'DEFAULT',
  transportType: 'DEFAULT',
});

const SORT = sortColumns({ name: 'name', createdTime: 'created_time' });

/**
 * Device profiles; every method takes the tenant first. A profile is a name devices are grouped by: a device's
 * `type` names its profile, created on first use; each tenant has a default profile named 'default'.
 */
export class DeviceProfileRepository {
  constructor(private readonly db: Db) {}

  /** Makes sure profiles with these names exist (the one named 'default' becomes the tenant's default). */
  async ensure(tenantId: string, names: string[], q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO device_profile (id, created_time, tenant_id, name, is_default)
       SELECT gen_random_uuid(), $1, $2, n, n = '${DEFAULT_PROFILE}' FROM (SELECT DISTINCT unnest($3::text[]) AS n) x
       WHERE NOT EXISTS (SELECT 1 FROM device_profile p WHERE p.tenant_id = $2 AND p.name = x.n)
       ON CONFLICT DO NOTHING`,
      [Date.now(), tenantId, [...new Set(names)]],
    );
  }

  async findIdByName(tenantId: string, name: string): Promise<string | null> {
    const [r] = await this.db.query<{ id: string }>(
      'SELECT id FROM device_profile WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    return r?.id ?? null;
  }

  /** The id of the profile of this name, created when missing. */
  async idFor(tenantId: string, name: string, q: Queryable = this.db): Promise<string> {
    await this.ensure(tenantId, [name], q);
    const [r] = await q.query<{ id: string }>(
      'SELECT id FROM device_profile WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    return r!.id;
  }

  async findDefault(tenantId: string): Promise<DeviceProfile> {
    const find = () =>
      this.db.query<Row>('SELECT * FROM device_profile WHERE tenant_id = $1 AND is_default', [tenantId]);
    let [r] = await find();
    if (!r) {
      await this.ensure(tenantId, [DEFAULT_PROFILE]);
      [r] = await find();
    }
    // A tenant whose 'default' name was taken before it had a default profile: the oldest profile stands in.
    if (!r)
      [r] = await this.db.query<Row>(
        'SELECT * FROM device_profile WHERE tenant_id = $1 ORDER BY created_time, id LIMIT 1',
        [tenantId],
      );
    return toProfile(r!);
  }

  async findById(tenantId: string, id: string): Promise<DeviceProfile | null> {
    const [r] = await this.db.query<Row>('SELECT * FROM device_profile WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return r ? toProfile(r) : null;
  }

  async page(tenantId: string, p: PageQuery): Promise<PageData<DeviceProfile>> {
    await this.ensure(tenantId, [DEFAULT_PROFILE]);
    const like = likePattern(p.textSearch);
    const where = 'tenant_id = $1 AND ($2::text IS NULL OR name ILIKE $2)';
    const rows = await this.db.query<Row>(
      `SELECT * FROM device_profile WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $3 OFFSET $4`,
      [tenantId, like, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM device_profile WHERE ${where}`,
      [tenantId, like],
    );
    return toPage(rows.map(toProfile), Number(c!.n), p);
  }

  async insert(
    tenantId: string,
    f: { name: string; description: string | null; profileData: Record<string, unknown> | null },
  ): Promise<DeviceProfile> {
    const [r] = await this.db.query<Row>(
      `INSERT INTO device_profile (id, created_time, tenant_id, name, description, profile_data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        newId(),
        Date.now(),
        tenantId,
        f.name,
        f.description,
        f.profileData ? JSON.stringify(f.profileData) : null,
      ],
    );
    return toProfile(r!);
  }

  /** Renaming a profile renames the `type` of its devices with it (the type is the profile's name). */
  async update(
    tenantId: string,
    id: string,
    f: { name: string; description: string | null; profileData: Record<string, unknown> | null },
    version: number | null | undefined,
  ): Promise<DeviceProfile | null> {
    return this.db.tx(async (q) => {
      const [r] = await q.query<Row>(
        `UPDATE device_profile SET name = $3, description = $4, profile_data = COALESCE($5, profile_data), version = version + 1
         WHERE tenant_id = $1 AND id = $2 AND ${versionGuard(6)} RETURNING *`,
        [
          tenantId,
          id,
          f.name,
          f.description,
          f.profileData ? JSON.stringify(f.profileData) : null,
          version ?? null,
        ],
      );
      if (r)
        await q.query(
          'UPDATE device SET type = $3 WHERE tenant_id = $1 AND device_profile_id = $2 AND type <> $3',
          [tenantId, id, f.name],
        );
      return r ? toProfile(r) : null;
    });
  }

  async currentVersion(tenantId: string, id: string): Promise<number | null> {
    const [r] = await this.db.query<{ version: string }>(
      'SELECT version FROM device_profile WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return r ? Number(r.version) : null;
  }
}
