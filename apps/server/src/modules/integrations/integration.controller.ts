import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { saveIntegrationSchema, type Integration, type IntegrationStatus, type PageData } from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { IntegrationService } from './integration.service.js';

@Controller('api')
export class IntegrationController {
  constructor(private readonly integrations: IntegrationService) {}

  @Get('integrations')
  page(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<Integration>> {
    return this.integrations.page(tenantId, parsePageQuery(q));
  }

  @Get('integration/:id')
  get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<Integration> {
    return this.integrations.get(tenantId, id);
  }

  /** Live connection state and counters. */
  @Get('integration/:id/status')
  async status(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<IntegrationStatus> {
    return (await this.integrations.get(tenantId, id)).status!;
  }

  /** Uplinks taken out of the stream with their error (payload as base64), newest first. */
  @Get('integration/:id/quarantine')
  quarantine(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    return this.integrations.quarantine(tenantId, id, parsePageQuery(q));
  }

  @Post('integration')
  @HttpCode(200)
  save(@TenantId() tenantId: string, @Body() body: unknown): Promise<Integration> {
    return this.integrations.save(tenantId, saveIntegrationSchema.parse(body));
  }

  @Delete('integration/:id')
  @HttpCode(200)
  async delete(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.integrations.delete(tenantId, id);
  }
}
