import { Global, Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { TenantController } from './tenant.controller.js';
import { TenantService } from './tenant.service.js';

@Global()
@Module({ imports: [ClusterModule], controllers: [TenantController], providers: [TenantService], exports: [TenantService] })
export class TenantModule {}
