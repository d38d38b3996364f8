import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { z } from 'zod';
import { entityTypes, MAX_PAGE_SIZE } from '@bridgeboard/contracts';
import { TenantId } from '../auth/security.js';
import { DebugEventService } from './debug-event.service.js';

const query = z.object({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  page: z.coerce.number().int().min(0).default(0),
  startTime: z.coerce.number().int().optional(),
  endTime: z.coerce.number().int().optional(),
  /** only rule-node events of this message type (e.g. POST_TELEMETRY_REQUEST) */
  msgType: z.string().trim().min(1).max(255).optional(),
});

@Controller('api/events')
export class DebugEventController {
  constructor(private readonly events: DebugEventService) {}

  /** Debug events of one entity, newest first. */
  @Get(':entityType/:id')
  page(@TenantId() tenantId: string, @Param('entityType') type: string, @Param('id', ParseUUIDPipe) id: string, @Query() q: unknown) {
    return this.events.page(tenantId, z.enum(entityTypes).parse(type), id, query.parse(q));
  }

  @Delete(':entityType/:id')
  @HttpCode(200)
  async clear(@TenantId() tenantId: string, @Param('entityType') type: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.events.clear(tenantId, z.enum(entityTypes).parse(type), id);
  }
}
