import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { TelemetryController } from './telemetry.controller.js';
import { TelemetryService } from './telemetry.service.js';

@Module({ imports: [ClusterModule, RetentionModule], controllers: [TelemetryController], providers: [TelemetryService], exports: [TelemetryService] })
export class TelemetryModule {}
