import { Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Db } from '../../database/db.js';
import { DeviceService } from '../devices/device.service.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { TenantService } from '../tenants/tenant.service.js';
import { RuleEngine } from '../rule-engine/engine/rule-engine.js';
import { RpcController } from './rpc.controller.js';
import { RpcRepository } from './rpc.repository.js';
import { RPC_DEBUG_EVENT, RpcService } from './rpc.service.js';
import { DebugEventService } from '../events/debug-event.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';

/** Starts and stops the persistent-RPC housekeeping with the app; two-way replies come from the integrations. */
@Injectable()
class RpcLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly rpc: RpcService,
    runtime: IntegrationRuntime,
    tenants: TenantService,
  ) {
    runtime.setRpcResponseHandler((tenantId, deviceId, r, traceId) => this.rpc.onResponse(tenantId, deviceId, r, traceId));
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
      inject: [Db, RuleEngine, DeviceService, IntegrationRuntime, DebugEventService, APP_CONFIG],
      useFactory: (db: Db, engine: RuleEngine, devices: DeviceService, runtime: IntegrationRuntime, debug: DebugEventService, config: AppConfig) =>
        new RpcService({
          engine,
          devices,
          repo: new RpcRepository(db),
          integrations: runtime,
          trace: config.TRACE_MESSAGES
            ? { record: (tenantId, deviceId, traceId, body) => debug.record(tenantId, 'DEVICE', deviceId, RPC_DEBUG_EVENT, body, traceId) }
            : undefined,
        }),
    },
    RpcLifecycle,
  ],
})
export class RpcModule {}
