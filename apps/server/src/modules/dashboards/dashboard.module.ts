import { Module } from '@nestjs/common';
import { repositories } from '../../database/repositories.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardService } from './dashboard.service.js';

@Module({
  controllers: [DashboardController],
  providers: [
    ...repositories(DashboardRepository),
    DashboardService,
  ],
  exports: [DashboardService],
})
export class DashboardModule {}
