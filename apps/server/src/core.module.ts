import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { Db } from './database/db.js';
import { TenantRepository } from './modules/tenants/tenant.repository.js';
import { TenantLimits } from './common/tenant-limits.js';
import { Metrics } from './modules/metrics/metrics.registry.js';
import type { UplinkSink } from './common/ports.js';
import { JWT_KEY } from './modules/auth/jwt-key.js';

export const RUNTIME_INFO = Symbol('RUNTIME_INFO');
export interface RuntimeInfo {
  embeddedDatabase: boolean;
  embeddedBrokerPort: number | null;
  version: string;
}

/**
 * What the rule engine's UPLINK_SINK is wrapped in: the identity, except in benchmarks that compare
 * the Root Rule Chain with the direct save path (`startPlatform`'s `uplinkSink` option).
 */
export type UplinkSinkWrap = (rootChain: UplinkSink) => UplinkSink;
export const UPLINK_SINK_WRAP = Symbol('UPLINK_SINK_WRAP');

/**
 * What the whole app shares: configuration, the database, the JWT key, the tenants' rows (read by
 * auth and tenants alike, and for the JWT key before Nest starts), the tenants' limits and the
 * metrics registry. The one @Global module (wiring.test.ts checks it): nearly every provider takes
 * APP_CONFIG or Db, and these are values made before Nest starts (the database is open and migrated
 * by then), not services with an owner among the feature modules. Everything else is imported by the
 * module that uses it.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, db: Db, info: RuntimeInfo, jwtKey: string, wrapUplinkSink: UplinkSinkWrap = (s) => s): DynamicModule {
    const repos = [
      { provide: TenantRepository, useFactory: () => new TenantRepository(db) },
      { provide: TenantLimits, useFactory: () => new TenantLimits(db, config) },
      // the Prometheus registry: written by the integration runtime, read by GET /metrics
      { provide: Metrics, useFactory: () => new Metrics(config.METRICS_ENABLED) },
    ];
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Db, useValue: db },
        { provide: RUNTIME_INFO, useValue: info },
        { provide: UPLINK_SINK_WRAP, useValue: wrapUplinkSink },
        // the key tokens are signed with (resolved before start: JWT_SECRET or the one kept in the database)
        { provide: JWT_KEY, useValue: jwtKey },
        ...repos,
      ],
      exports: [APP_CONFIG, Db, RUNTIME_INFO, UPLINK_SINK_WRAP, JWT_KEY, ...repos.map((r) => r.provide)],
    };
  }
}
