import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { TenantController } from './tenant.controller.js';
import { TenantService } from './tenant.service.js';

@Module({ imports: [ClusterModule, AuthModule], controllers: [TenantController], providers: [TenantService], exports: [TenantService] })
export class TenantModule {}
