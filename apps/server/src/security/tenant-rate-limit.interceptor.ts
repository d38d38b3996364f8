import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { AppError, ErrorCode } from '../common/errors.js';
import type { SecurityUser } from '../modules/auth/security.js';
import {
  parseRateLimits,
  RATE_LIMIT_STORE,
  type RateLimit,
  type RateLimitStore,
} from './rate-limit.store.js';

/**
 * Per-tenant REST rate limit (ThingsBoard's rest.limits.tenant). An interceptor rather than a
 * middleware because it runs after the auth guard, so the caller's tenant is known; calls
 * without a tenant (system admin, public routes) are not counted here.
 */
@Injectable()
export class TenantRateLimitInterceptor implements NestInterceptor {
  private readonly limits: RateLimit[];
  private readonly describe: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
  ) {
    this.limits = parseRateLimits(config.REST_RATE_LIMIT_TENANT);
    this.describe = this.limits.map((l) => `${l.capacity} per ${l.periodMs / 1000} s`).join(' and ');
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (ctx.getType() !== 'http' || !this.limits.length) return next.handle();
    const req = ctx.switchToHttp().getRequest<{ user?: SecurityUser }>();
    const tenantId = req.user?.tenantId;
    if (!tenantId) return next.handle();
    const waitMs = await this.store.take(`tenant:${tenantId}`, this.limits, Date.now());
    if (waitMs > 0) {
      const sec = Math.max(1, Math.ceil(waitMs / 1000));
      ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(sec));
      throw new AppError(
        429,
        ErrorCode.TOO_MANY_REQUESTS,
        `Too many requests for this tenant: the limit is ${this.describe} (REST_RATE_LIMIT_TENANT); retry in ${sec} s`,
      );
    }
    return next.handle();
  }
}
