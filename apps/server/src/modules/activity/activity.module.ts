import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { ActivityController } from './activity.controller.js';
import { ActivityService } from './activity.service.js';

/** Device activity (active / lastActivityTime), the home page's counts and the sysadmin's usage. */
@Module({ imports: [ClusterModule], controllers: [ActivityController], providers: [ActivityService], exports: [ActivityService] })
export class ActivityModule {}
