import { Module } from '@nestjs/common';
import { repositories } from '../../database/repositories.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { ConverterModule } from '../converters/converter.module.js';
import { IntegrationModule } from '../integrations/integration.module.js';
import { RuleEngineModule } from '../rule-engine/rule-engine.module.js';
import { DashboardModule } from '../dashboards/dashboard.module.js';
import { DeviceModule } from '../devices/device.module.js';
import { TransferController } from './transfer.controller.js';
import { TransferRepository } from './transfer.repository.js';
import { TransferService } from './transfer.service.js';

/** Import and export of converters, integrations, rule chains and dashboards (JSON documents). */
@Module({
  imports: [ClusterModule, DashboardModule, DeviceModule, ConverterModule, IntegrationModule, RuleEngineModule],
  controllers: [TransferController],
  providers: [
    ...repositories(TransferRepository),
    TransferService,
  ],
})
export class TransferModule {}
