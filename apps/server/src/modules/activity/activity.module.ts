import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { DeviceModule } from '../devices/device.module.js';
import { DebugEventModule } from '../events/debug-event.module.js';
import { IntegrationModule } from '../integrations/integration.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { ActivityController } from './activity.controller.js';
import { ActivityService } from './activity.service.js';
import { ActivityRepository } from './activity.repository.js';
import { repositories } from '../../database/repositories.js';

/** Device activity (active / lastActivityTime), the home page's counts and the sysadmin's usage. */
@Module({ imports: [ClusterModule, DeviceModule, DebugEventModule, IntegrationModule, TelemetryModule], controllers: [ActivityController], providers: [...repositories(ActivityRepository), ActivityService], exports: [ActivityService] })
export class ActivityModule {}
