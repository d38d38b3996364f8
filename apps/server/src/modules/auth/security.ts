import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Authority } from '@bridgeboard/contracts';
import { AppError } from '../../common/errors.js';

/** Who is calling: put on the request by the auth guard. */
export interface SecurityUser {
  userId: string;
  tenantId: string | null;
  authority: Authority;
  email: string;
}

/** The tenant a TENANT_ADMIN acts in; SYS_ADMIN has none and is refused tenant data. */
export function tenantOf(user: SecurityUser): string {
  if (user.authority !== 'TENANT_ADMIN' || !user.tenantId) throw AppError.forbidden('This operation needs a tenant administrator');
  return user.tenantId;
}

export const IS_PUBLIC = 'bb:public';
export const ROLES = 'bb:roles';
/** Route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Route only for these authorities. */
export const Roles = (...roles: Authority[]) => SetMetadata(ROLES, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): SecurityUser => {
  return ctx.switchToHttp().getRequest<{ user: SecurityUser }>().user;
});

/** The current tenant id (403 for a system administrator). */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return tenantOf(ctx.switchToHttp().getRequest<{ user: SecurityUser }>().user);
});
