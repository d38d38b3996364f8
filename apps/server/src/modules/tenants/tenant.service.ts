import { Inject, Injectable, Logger } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import type { Authority, PageData, PageQuery, Tenant, User } from '@bridgeboard/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AppError } from '../../common/errors.js';
import { TenantRepository, toUser, type UserRow } from './tenant.repository.js';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';

/** Tenants, their administrators and the first-start accounts. */
@Injectable()
export class TenantService {
  private readonly log = new Logger('tenants');

  constructor(
    private readonly repo: TenantRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** hooks: `tenantCreated` (its Root Rule Chain), `tenantDeleting` (integrations and RPC stop first); events: `tenantDeleted`, `userDeleted` (live connections close) */
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
  ) {}

  async createTenant(title: string, telemetryTtlDays: number | null = null): Promise<Tenant> {
    const t = await this.repo.createTenant(title, undefined, telemetryTtlDays);
    await this.platform.run('tenantCreated', t.id.id);
    return t;
  }

  /** ThingsBoard's save with an id: renames the tenant and sets its telemetry TTL. */
  async updateTenant(id: string, title: string, telemetryTtlDays: number | null): Promise<Tenant> {
    const t = await this.repo.updateTenant(id, title, telemetryTtlDays);
    if (!t) throw AppError.notFound(`Tenant with id ${id}`);
    return t;
  }

  getTenant(id: string): Promise<Tenant | null> {
    return this.repo.findTenant(id);
  }

  pageTenants(q: PageQuery): Promise<PageData<Tenant>> {
    return this.repo.pageTenants(q);
  }

  /**
   * Stops the tenant's integrations and RPC first, so nothing of it keeps running against rows
   * that are gone (an integration retrying a foreign-key error forever), then deletes it.
   */
  async deleteTenant(id: string): Promise<void> {
    if (!(await this.repo.findTenant(id))) throw AppError.notFound(`Tenant with id ${id}`);
    await this.platform.run('tenantDeleting', id);
    if (!(await this.repo.deleteTenant(id))) throw AppError.notFound(`Tenant with id ${id}`);
    this.platform.emit('tenantDeleted', id);
  }

  async deleteUser(id: string): Promise<void> {
    const r = await this.repo.deleteUser(id);
    if (r === 'not-found') throw AppError.notFound(`User with id ${id}`);
    if (r === 'last-sysadmin')
      throw AppError.badRequest('This user is the last system administrator and cannot be deleted: create another system administrator first');
    this.platform.emit('userDeleted', id);
  }

  /** Refuses a password shorter than PASSWORD_MIN_LENGTH (passwords set through the API). */
  checkPassword(password: string): void {
    const min = this.config.PASSWORD_MIN_LENGTH;
    if (password.length < min) throw AppError.invalid(`The password must have at least ${min} characters (PASSWORD_MIN_LENGTH)`, { field: 'password' });
  }

  /** Sets the password of the user the activation token names (once), and returns that user. */
  async activate(activateToken: string, password: string): Promise<UserRow> {
    this.checkPassword(password);
    const u = await this.repo.findUserByActivateToken(activateToken);
    if (!u) throw AppError.notFound('Activation token');
    await this.repo.activate(u.id, await this.hash(password));
    return { ...u, password_hash: null, activate_token: null };
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.BCRYPT_ROUNDS);
  }

  async createUser(u: {
    email: string;
    authority: Authority;
    tenantId: string | null;
    firstName?: string | null;
    lastName?: string | null;
    password?: string;
  }): Promise<{ user: User; activateToken: string | null }> {
    if (await this.repo.findUserByEmail(u.email)) throw AppError.conflict(`User with email '${u.email}' already exists`);
    if (u.authority === 'TENANT_ADMIN') {
      if (!u.tenantId || !(await this.repo.findTenant(u.tenantId))) throw AppError.invalid('tenantId does not name an existing tenant');
    }
    const activateToken = u.password ? null : randomBytes(24).toString('base64url');
    const hash = u.password ? await this.hash(u.password) : null;
    const row = await this.repo.createUser(u, hash, activateToken);
    return { user: toUser(row), activateToken };
  }

  async activationToken(userId: string): Promise<string> {
    const u = await this.repo.findUser(userId);
    if (!u) throw AppError.notFound(`User with id ${userId}`);
    if (!u.activate_token) throw AppError.badRequest('User is already active');
    return u.activate_token;
  }

  /** First start: a system admin, one tenant and its admin, from the configuration. */
  async seed(): Promise<boolean> {
    if ((await this.repo.countUsers()) > 0) return false;
    const c = this.config;
    await this.createUser({ email: c.ADMIN_EMAIL, authority: 'SYS_ADMIN', tenantId: null, password: c.ADMIN_PASSWORD });
    const tenant = await this.createTenant('Tenant');
    await this.createUser({ email: c.TENANT_EMAIL, authority: 'TENANT_ADMIN', tenantId: tenant.id.id, password: c.TENANT_PASSWORD });
    this.log.log(`First start: created ${c.ADMIN_EMAIL} (system admin) and ${c.TENANT_EMAIL} (tenant admin)`);
    return true;
  }
}
