import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** GET /metrics (Prometheus); the registry itself is in CoreModule, shared with the integration runtime. */
@Module({ controllers: [MetricsController], providers: [MetricsService] })
export class MetricsModule {}
