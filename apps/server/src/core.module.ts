import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { Db } from './database/db.js';
import { TenantRepository } from './modules/tenants/tenant.repository.js';
import { DeviceRepository } from './modules/devices/device.repository.js';
import { TenantLimits } from './common/tenant-limits.js';
import { Metrics } from './modules/metrics/metrics.registry.js';

export const RUNTIME_INFO = Symbol('RUNTIME_INFO');
export interface RuntimeInfo {
  embeddedDatabase: boolean;
  embeddedBrokerPort: number | null;
  version: string;
}

/** What the whole app shares: configuration, the database, the repositories over it and the metrics registry. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, db: Db, info: RuntimeInfo): DynamicModule {
    const repos = [
      { provide: TenantRepository, useFactory: () => new TenantRepository(db) },
      { provide: DeviceRepository, useFactory: () => new DeviceRepository(db) },
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
        ...repos,
      ],
      exports: [APP_CONFIG, Db, RUNTIME_INFO, ...repos.map((r) => r.provide)],
    };
  }
}
