import type { PageData, PageQuery, Tenant, User, Authority } from '@bridgeboard/contracts';
import { NULL_UUID } from '@bridgeboard/contracts';
import type { Db, Queryable } from '../../database/db.js';
import { entityId, newId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';

const SORT = sortColumns({ title: 'title', createdTime: 'created_time' });

interface TenantRow {
  id: string;
  created_time: string;
  title: string;
  telemetry_ttl_days: number | null;
}
export interface UserRow {
  id: string;
  created_time: string;
  tenant_id: string | null;
  email: string;
  authority: Authority;
  first_name: string | null;
  last_name: string | null;
  password_hash: string | null;
  activate_token: string | null;
  enabled: boolean;
}

export const toTenant = (r: TenantRow): Tenant => ({
  id: entityId('TENANT', r.id),
  createdTime: Number(r.created_time),
  title: r.title,
  name: r.title,
  telemetryTtlDays: r.telemetry_ttl_days,
});

export const toUser = (r: UserRow): User => ({
  id: entityId('USER', r.id),
  createdTime: Number(r.created_time),
  tenantId: entityId('TENANT', r.tenant_id ?? NULL_UUID),
  email: r.email,
  authority: r.authority,
  firstName: r.first_name,
  lastName: r.last_name,
  name: r.email,
});

/** Tenants and users. Only system-level code (auth, sysadmin routes) uses it. */
export class TenantRepository {
  constructor(private readonly db: Db) {}

  async createTenant(title: string, q: Queryable = this.db, telemetryTtlDays: number | null = null): Promise<Tenant> {
    const [r] = await q.query<TenantRow>('INSERT INTO tenant (id, created_time, title, telemetry_ttl_days) VALUES ($1, $2, $3, $4) RETURNING *', [
      newId(),
      Date.now(),
      title,
      telemetryTtlDays,
    ]);
    return toTenant(r!);
  }

  /** Title and telemetry TTL of a tenant; null when it does not exist. */
  async updateTenant(id: string, title: string, telemetryTtlDays: number | null): Promise<Tenant | null> {
    const [r] = await this.db.query<TenantRow>('UPDATE tenant SET title = $2, telemetry_ttl_days = $3 WHERE id = $1 RETURNING *', [
      id,
      title,
      telemetryTtlDays,
    ]);
    return r ? toTenant(r) : null;
  }

  async findTenant(id: string): Promise<Tenant | null> {
    const [r] = await this.db.query<TenantRow>('SELECT * FROM tenant WHERE id = $1', [id]);
    return r ? toTenant(r) : null;
  }

  async pageTenants(p: PageQuery): Promise<PageData<Tenant>> {
    const like = likePattern(p.textSearch);
    const rows = await this.db.query<TenantRow & { total: string }>(
      `SELECT *, count(*) OVER() AS total FROM tenant WHERE ($1::text IS NULL OR title ILIKE $1)
       ${orderBy(p, SORT, 'created_time')} LIMIT $2 OFFSET $3`,
      [like, p.pageSize, p.page * p.pageSize],
    );
    const total = rows.length ? Number(rows[0]!.total) : await this.countTenants(like);
    return toPage(rows.map(toTenant), total, p);
  }

  private async countTenants(like: string | null): Promise<number> {
    const [r] = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM tenant WHERE ($1::text IS NULL OR title ILIKE $1)', [like]);
    return Number(r!.n);
  }

  async deleteTenant(id: string): Promise<boolean> {
    const r = await this.db.query('DELETE FROM tenant WHERE id = $1 RETURNING id', [id]);
    return r.length > 0;
  }

  async countUsers(): Promise<number> {
    const [r] = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM tb_user');
    return Number(r!.n);
  }

  async createUser(
    u: { email: string; authority: Authority; tenantId: string | null; firstName?: string | null; lastName?: string | null },
    passwordHash: string | null,
    activateToken: string | null,
    q: Queryable = this.db,
  ): Promise<UserRow> {
    const [r] = await q.query<UserRow>(
      `INSERT INTO tb_user (id, created_time, tenant_id, email, authority, first_name, last_name, password_hash, activate_token)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [newId(), Date.now(), u.tenantId, u.email, u.authority, u.firstName ?? null, u.lastName ?? null, passwordHash, activateToken],
    );
    return r!;
  }

  async findUserByEmail(email: string): Promise<UserRow | null> {
    const [r] = await this.db.query<UserRow>('SELECT * FROM tb_user WHERE lower(email) = lower($1)', [email]);
    return r ?? null;
  }

  async findUser(id: string): Promise<UserRow | null> {
    const [r] = await this.db.query<UserRow>('SELECT * FROM tb_user WHERE id = $1', [id]);
    return r ?? null;
  }

  async findUserByActivateToken(token: string): Promise<UserRow | null> {
    const [r] = await this.db.query<UserRow>('SELECT * FROM tb_user WHERE activate_token = $1', [token]);
    return r ?? null;
  }

  async activate(userId: string, passwordHash: string): Promise<void> {
    await this.db.query('UPDATE tb_user SET password_hash = $2, activate_token = NULL WHERE id = $1', [userId, passwordHash]);
  }

  /**
   * Deletes a user unless it is the last system administrator. The system administrators are
   * locked first, so two of the last two deleting each other at once cannot both succeed.
   */
  async deleteUser(id: string): Promise<'deleted' | 'not-found' | 'last-sysadmin'> {
    return this.db.tx(async (q) => {
      const admins = await q.query<{ id: string }>(`SELECT id FROM tb_user WHERE authority = 'SYS_ADMIN' FOR UPDATE`);
      if (admins.length === 1 && admins[0]!.id === id) return 'last-sysadmin';
      return (await q.query('DELETE FROM tb_user WHERE id = $1 RETURNING id', [id])).length ? 'deleted' : 'not-found';
    });
  }

  /** The ids among `ids` whose users still exist and are enabled (one query for every open socket). */
  async activeUserIds(ids: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM tb_user WHERE id = ANY($1::uuid[]) AND enabled', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async saveRefresh(jti: string, userId: string, expiresAt: number): Promise<void> {
    await this.db.query('INSERT INTO refresh_token (jti, user_id, expires_at) VALUES ($1, $2, $3)', [jti, userId, expiresAt]);
    await this.db.query('DELETE FROM refresh_token WHERE expires_at < $1', [Date.now()]);
  }

  /** Marks a refresh token used; false when it was unknown or already used (reuse after rotation). */
  async consumeRefresh(jti: string): Promise<boolean> {
    const r = await this.db.query('UPDATE refresh_token SET used = true WHERE jti = $1 AND NOT used RETURNING jti', [jti]);
    return r.length > 0;
  }

  async revokeAllRefresh(userId: string): Promise<void> {
    await this.db.query('UPDATE refresh_token SET used = true WHERE user_id = $1', [userId]);
  }

  async getSetting(key: string): Promise<string | null> {
    const [r] = await this.db.query<{ value: string }>('SELECT value FROM installation WHERE key = $1', [key]);
    return r?.value ?? null;
  }

  /** Keeps the first value written (safe when several instances start at once). */
  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    await this.db.query('INSERT INTO installation (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.getSetting(key)) ?? value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.query('INSERT INTO installation (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2', [key, value]);
  }
}
