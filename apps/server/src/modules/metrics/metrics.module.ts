import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { IntegrationModule } from '../integrations/integration.module.js';
import { ConverterModule } from '../converters/converter.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { DebugEventModule } from '../events/debug-event.module.js';

/** GET /metrics (Prometheus); the registry itself is in CoreModule, shared with the integration runtime. */
@Module({ imports: [IntegrationModule, ConverterModule, RetentionModule, DebugEventModule], controllers: [MetricsController], providers: [MetricsService] })
export class MetricsModule {}
