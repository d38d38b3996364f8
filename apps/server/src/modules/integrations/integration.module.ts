import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { ConverterRuntime } from '../converters/converter.runtime.js';
import { ConverterService } from '../converters/converter.service.js';
import { TenantService } from '../tenants/tenant.service.js';
import { IntegrationController } from './integration.controller.js';
import { IntegrationService } from './integration.service.js';
import { IntegrationRuntime } from './runtime/integration-runtime.js';
import { CONVERTER_PORT, INTEGRATION_ELSEWHERE, type ConverterPort } from './runtime/ports.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { ClusterDirectory } from '../cluster/cluster-directory.js';
import { IntegrationPlacement } from '../cluster/integration-placement.js';

/** The converters module as the runtime sees it (runs decoders, tells a converter's type). */
const converterPort = {
  provide: CONVERTER_PORT,
  inject: [ConverterRuntime, ConverterService],
  useFactory: (runtime: ConverterRuntime, service: ConverterService): ConverterPort => ({
    runUplink: (t, id, inputs) => runtime.runUplink(t, id, inputs),
    find: async (t, id) => {
      const c = await service.getRecord(t, id);
      return c ? { name: c.name, type: c.type } : null;
    },
  }),
};

@Global()
@Module({
  imports: [ClusterModule],
  controllers: [IntegrationController],
  providers: [
    converterPort,
    // integrations other nodes run: their status, and publishing through them
    { provide: INTEGRATION_ELSEWHERE, useExisting: ClusterDirectory },
    IntegrationRuntime,
    IntegrationPlacement,
    IntegrationService,
  ],
  exports: [IntegrationService, IntegrationRuntime],
})
export class IntegrationModule implements OnModuleInit {
  constructor(
    private readonly converters: ConverterService,
    private readonly integrations: IntegrationService,
    private readonly runtime: IntegrationRuntime,
    private readonly tenants: TenantService,
  ) {}

  onModuleInit(): void {
    // a deleted tenant's integrations must not keep running (and retrying foreign-key errors)
    this.tenants.beforeTenantDeleted((tenantId) => this.runtime.stopTenant(tenantId));
    this.converters.registerUsageCheck(async (tenantId, converterId) => {
      const names = await this.integrations.usingConverter(tenantId, converterId);
      return names.length ? names.map((n) => `integration '${n}'`).join(', ') : null;
    });
  }
}
