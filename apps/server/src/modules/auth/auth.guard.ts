import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Authority } from '@bridgeboard/contracts';
import { AppError } from '../../common/errors.js';
import { AuthService, bearer } from './auth.service.js';
import { IS_PUBLIC, ROLES, type SecurityUser } from './security.js';

/** Global guard: every /api route needs a valid token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string>; user?: SecurityUser }>();
    const token = bearer(req.headers);
    if (!token) throw AppError.unauthorized('Authentication failed: no token (send X-Authorization: Bearer <token>)');
    req.user = await this.auth.authenticate(token);
    const roles = this.reflector.getAllAndOverride<Authority[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(req.user.authority)) throw AppError.forbidden();
    return true;
  }
}
