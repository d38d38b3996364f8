import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { authorities, NULL_UUID, type Tenant, type User } from '@bridgeboard/contracts';
import { AppError } from '../../common/errors.js';
import { parsePageQuery } from '../../common/paging.js';
import { Public, Roles } from '../auth/security.js';
import { TenantService } from './tenant.service.js';
import { TenantRepository, toUser } from './tenant.repository.js';
import { AuthService } from '../auth/auth.service.js';

const tenantBody = z.object({
  /** with an existing tenant's id: update (ThingsBoard's save) */
  id: z.object({ entityType: z.literal('TENANT'), id: z.string().uuid() }).optional(),
  title: z.string().trim().min(1, 'title is required').max(255),
  /** days of telemetry history kept for this tenant, 0 = forever; null or absent = TELEMETRY_TTL_DAYS */
  telemetryTtlDays: z.number({ message: 'telemetryTtlDays must be a whole number of days (0 = forever) or null' }).int('telemetryTtlDays must be a whole number of days').min(0, 'telemetryTtlDays must not be negative').max(100_000).nullish(),
});
const userBody = z.object({
  email: z.string().email(),
  authority: z.enum(authorities),
  tenantId: z.object({ entityType: z.literal('TENANT'), id: z.string().uuid() }).optional(),
  firstName: z.string().max(255).nullish(),
  lastName: z.string().max(255).nullish(),
});
// the minimum length is PASSWORD_MIN_LENGTH, checked by TenantService
const activateBody = z.object({ activateToken: z.string().min(1), password: z.string().max(256) });

/** System administration: tenants and their administrators. */
@Controller('api')
export class TenantController {
  constructor(
    private readonly tenants: TenantService,
    private readonly repo: TenantRepository,
    private readonly auth: AuthService,
  ) {}

  @Post('tenant')
  @Roles('SYS_ADMIN')
  @HttpCode(200)
  async create(@Body() body: unknown): Promise<Tenant> {
    const b = tenantBody.parse(body);
    // ThingsBoard's save: an existing tenant's id updates it; any other id is ignored (the server picks new ids)
    if (b.id && (await this.tenants.getTenant(b.id.id))) return this.tenants.updateTenant(b.id.id, b.title, b.telemetryTtlDays ?? null);
    return this.tenants.createTenant(b.title, b.telemetryTtlDays ?? null);
  }

  @Get('tenant/:id')
  @Roles('SYS_ADMIN')
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<Tenant> {
    const t = await this.tenants.getTenant(id);
    if (!t) throw AppError.notFound(`Tenant with id ${id}`);
    return t;
  }

  @Get('tenants')
  @Roles('SYS_ADMIN')
  page(@Query() q: Record<string, unknown>) {
    return this.tenants.pageTenants(parsePageQuery(q));
  }

  @Delete('tenant/:id')
  @Roles('SYS_ADMIN')
  @HttpCode(200)
  async delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.tenants.deleteTenant(id);
  }

  @Post('user')
  @Roles('SYS_ADMIN')
  @HttpCode(200)
  async createUser(@Body() body: unknown): Promise<User> {
    const b = userBody.parse(body);
    const tenantId = b.authority === 'SYS_ADMIN' ? null : (b.tenantId?.id ?? null);
    if (b.authority === 'TENANT_ADMIN' && (!tenantId || tenantId === NULL_UUID)) throw AppError.invalid('tenantId is required for a TENANT_ADMIN');
    const { user } = await this.tenants.createUser({ ...b, tenantId });
    return user;
  }

  @Get('user/:id')
  @Roles('SYS_ADMIN')
  async getUser(@Param('id', ParseUUIDPipe) id: string): Promise<User> {
    const u = await this.repo.findUser(id);
    if (!u) throw AppError.notFound(`User with id ${id}`);
    return toUser(u);
  }

  @Delete('user/:id')
  @Roles('SYS_ADMIN')
  @HttpCode(200)
  async deleteUser(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.tenants.deleteUser(id);
  }

  @Get('user/:id/activationLink')
  @Roles('SYS_ADMIN')
  async activationLink(@Param('id', ParseUUIDPipe) id: string): Promise<string> {
    const token = await this.tenants.activationToken(id);
    return `/api/noauth/activate?activateToken=${token}`;
  }

  @Post('noauth/activate')
  @Public()
  @HttpCode(200)
  async activate(@Body() body: unknown) {
    const b = activateBody.parse(body);
    return this.auth.issue(await this.tenants.activate(b.activateToken, b.password));
  }
}
