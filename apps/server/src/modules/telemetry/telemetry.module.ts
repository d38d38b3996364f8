import { Global, Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { TelemetryController } from './telemetry.controller.js';
import { TelemetryService } from './telemetry.service.js';

@Global()
@Module({ imports: [ClusterModule], controllers: [TelemetryController], providers: [TelemetryService], exports: [TelemetryService] })
export class TelemetryModule {}
