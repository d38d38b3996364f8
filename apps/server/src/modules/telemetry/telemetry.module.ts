import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { DeviceModule } from '../devices/device.module.js';
import { TelemetryController } from './telemetry.controller.js';
import { TelemetryService } from './telemetry.service.js';
import { TelemetryRepository } from './telemetry.repository.js';
import { repositories } from '../../database/repositories.js';

@Module({ imports: [ClusterModule, RetentionModule, DeviceModule], controllers: [TelemetryController], providers: [...repositories(TelemetryRepository), TelemetryService], exports: [TelemetryService] })
export class TelemetryModule {}
