import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import type { Dashboard, DashboardInfo, PageData } from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { DashboardService } from './dashboard.service.js';

@Controller('api')
export class DashboardController {
  constructor(private readonly dashboards: DashboardService) {}

  /** Page of dashboards without their configuration (ThingsBoard's DashboardInfo). */
  @Get('tenant/dashboards')
  list(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<DashboardInfo>> {
    return this.dashboards.page(tenantId, parsePageQuery(q));
  }

  @Get('dashboard/:id')
  get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<Dashboard> {
    return this.dashboards.get(tenantId, id);
  }

  @Post('dashboard')
  @HttpCode(200)
  save(@TenantId() tenantId: string, @Body() body: unknown): Promise<Dashboard> {
    return this.dashboards.save(tenantId, body);
  }

  @Delete('dashboard/:id')
  @HttpCode(200)
  async delete(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.dashboards.delete(tenantId, id);
  }
}
