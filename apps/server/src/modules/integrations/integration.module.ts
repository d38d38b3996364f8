import { forwardRef, Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';
import { RpcModule } from '../rpc/rpc.module.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { Db } from '../../database/db.js';
import { RawArchiveExpiry } from './archive/raw-archive.expiry.js';
import { LifecycleController } from './replay/lifecycle.controller.js';
import { ReplayService } from './replay/replay.service.js';
import { QuarantineReprocessor } from './replay/quarantine-reprocess.js';
import { ConverterRuntime } from '../converters/converter.runtime.js';
import { ConverterService } from '../converters/converter.service.js';
import { IntegrationController } from './integration.controller.js';
import { IntegrationService } from './integration.service.js';
import { IntegrationRuntime } from './runtime/integration-runtime.js';
import { CONVERTER_PORT, INTEGRATION_ELSEWHERE, type ConverterPort } from './runtime/ports.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { ConverterModule } from '../converters/converter.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { DebugEventModule } from '../events/debug-event.module.js';
import { RuleEngineModule } from '../rule-engine/rule-engine.module.js';
import { DeviceModule } from '../devices/device.module.js';
import { ClusterDirectory } from '../cluster/cluster-directory.js';
import { IntegrationPlacement } from '../cluster/integration-placement.js';
import { LeaseRepository } from '../cluster/lease.repository.js';
import { repositories } from '../../database/repositories.js';
import { IntegrationRepository } from './integration.repository.js';
import { IntegrationStatsRepository } from './runtime/integration-stats.js';
import { QuarantineRepository } from './quarantine.repository.js';
import { RawArchiveRepository } from './archive/raw-archive.repository.js';
import { ReplayJobRepository } from './replay/replay-job.repository.js';

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

@Module({
  // UPLINK_SINK and RPC_RESPONSE_HANDLER come from the rule engine and rpc modules, which publish through this one's runtime
  imports: [ClusterModule, ConverterModule, DeviceModule, TelemetryModule, DebugEventModule, forwardRef(() => RuleEngineModule), forwardRef(() => RpcModule)],
  controllers: [IntegrationController, LifecycleController],
  providers: [
    ...repositories(IntegrationRepository, IntegrationStatsRepository, QuarantineRepository, RawArchiveRepository, ReplayJobRepository, LeaseRepository),
    converterPort,
    // integrations other nodes run: their status, and publishing through them
    { provide: INTEGRATION_ELSEWHERE, useExisting: ClusterDirectory },
    IntegrationRuntime,
    IntegrationPlacement,
    IntegrationService,
    ReplayService,
    QuarantineReprocessor,
  ],
  exports: [IntegrationService, IntegrationRuntime],
})
export class IntegrationModule implements OnModuleInit, OnModuleDestroy {
  private readonly archiveExpiry: RawArchiveExpiry;

  constructor(
    private readonly db: Db,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly converters: ConverterService,
    private readonly integrations: IntegrationService,
    private readonly runtime: IntegrationRuntime,
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
    private readonly replays: ReplayService,
  ) {
    this.archiveExpiry = new RawArchiveExpiry(db, config.RAW_RETENTION_DAYS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.archiveExpiry.stop();
    await this.replays.drain();
  }

  onModuleInit(): void {
    // the raw archive's day partitions ahead, and its expiry (issue 19): at start and hourly, once per cluster
    this.archiveExpiry.start();
    // a deleted tenant's integrations must not keep running (and retrying foreign-key errors)
    this.platform.handle('tenantDeleting', async (tenantId) => {
      await this.runtime.stopTenant(tenantId);
      // the raw archive has no foreign key (a partitioned append-only table): a deleted tenant's messages go with it
      await this.db.query('DELETE FROM raw_message WHERE tenant_id = $1', [tenantId]);
    });
    this.converters.registerUsageCheck(async (tenantId, converterId) => {
      const names = await this.integrations.usingConverter(tenantId, converterId);
      return names.length ? names.map((n) => `integration '${n}'`).join(', ') : null;
    });
  }
}
