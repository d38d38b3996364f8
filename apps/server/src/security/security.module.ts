import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import {
  FAILURE_STORE,
  InMemoryFailureStore,
  InMemoryRateLimitStore,
  RATE_LIMIT_STORE,
} from './rate-limit.store.js';
import { TenantRateLimitInterceptor } from './tenant-rate-limit.interceptor.js';

/** Cross-cutting protections: the stores behind throttling and the per-tenant REST rate limit. */
@Module({
  providers: [
    { provide: RATE_LIMIT_STORE, useFactory: () => new InMemoryRateLimitStore() },
    { provide: FAILURE_STORE, useFactory: () => new InMemoryFailureStore() },
    { provide: APP_INTERCEPTOR, useClass: TenantRateLimitInterceptor },
  ],
  exports: [RATE_LIMIT_STORE, FAILURE_STORE],
})
export class SecurityModule {}
