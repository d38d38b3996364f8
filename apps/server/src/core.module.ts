import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { Db } from './database/db.js';
import { TenantRepository } from './modules/tenants/tenant.repository.js';
import { DeviceRepository } from './modules/devices/device.repository.js';
import { TenantLimits } from './common/tenant-limits.js';

export const RUNTIME_INFO = Symbol('RUNTIME_INFO');
export interface RuntimeInfo {
  embeddedDatabase: boolean;
  embeddedBrokerPort: number | null;
  version: string;
}

/** What the whole app shares: configuration, the database and the repositories over it. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, db: Db, info: RuntimeInfo): DynamicModule {
    const repos = [
      { provide: TenantRepository, useFactory: () => new TenantRepository(db) },
      { provide: DeviceRepository, useFactory: () => new DeviceRepository(db) },
      { provide: TenantLimits, useFactory: () => new TenantLimits(db, config) },
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
