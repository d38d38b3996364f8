import { Module } from '@nestjs/common';
import { Db } from '../../database/db.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardService } from './dashboard.service.js';

@Module({
  controllers: [DashboardController],
  providers: [
    { provide: DashboardRepository, useFactory: (db: Db) => new DashboardRepository(db), inject: [Db] },
    DashboardService,
  ],
  exports: [DashboardService],
})
export class DashboardModule {}
