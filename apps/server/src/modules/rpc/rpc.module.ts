import { Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Db } from '../../database/db.js';
import { DeviceService } from '../devices/device.service.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { TenantService } from '../tenants/tenant.service.js';
import { RuleEngine } from '../rule-engine/engine/rule-engine.js';
import { RpcController } from './rpc.controller.js';
import { RpcRepository } from './rpc.repository.js';
import { RpcService } from './rpc.service.js';

/** Starts and stops the persistent-RPC housekeeping with the app; two-way replies come from the integrations. */
@Injectable()
class RpcLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly rpc: RpcService,
    runtime: IntegrationRuntime,
    tenants: TenantService,
  ) {
    runtime.setRpcResponseHandler((tenantId, deviceId, r) => this.rpc.onResponse(tenantId, deviceId, r));
    tenants.beforeTenantDeleted((tenantId) => this.rpc.forgetTenant(tenantId));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.rpc.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rpc.stop();
  }
}

@Module({
  controllers: [RpcController],
  providers: [
    {
      provide: RpcService,
      inject: [Db, RuleEngine, DeviceService, IntegrationRuntime],
      useFactory: (db: Db, engine: RuleEngine, devices: DeviceService, runtime: IntegrationRuntime) =>
        new RpcService({ engine, devices, repo: new RpcRepository(db), integrations: runtime }),
    },
    RpcLifecycle,
  ],
})
export class RpcModule {}
