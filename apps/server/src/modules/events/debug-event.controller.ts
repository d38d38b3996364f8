import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { z } from 'zod';
import { entityTypes, MAX_PAGE_SIZE, type DebugEvent, type PageData } from '@bridgeboard/contracts';
import { TenantId } from '../auth/security.js';
import { DebugEventService } from './debug-event.service.js';
import { tbEventTypes, toTbEvent, type TbEvent } from './tb-event.js';

const query = z.object({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  page: z.coerce.number().int().min(0).default(0),
  startTime: z.coerce.number().int().optional(),
  endTime: z.coerce.number().int().optional(),
  sortOrder: z.enum(['ASC', 'DESC', 'asc', 'desc']).transform((v) => v.toUpperCase() as 'ASC' | 'DESC').optional(),
  /** only rule-node events of this message type (e.g. POST_TELEMETRY_REQUEST) */
  msgType: z.string().trim().min(1).max(255).optional(),
});
const eventType = z.enum(tbEventTypes, { message: `eventType must be one of ${tbEventTypes.join(', ')}` });

@Controller('api/events')
export class DebugEventController {
  constructor(private readonly events: DebugEventService) {}

  /** Every debug event of one message (an uplink or an RPC), in the order they happened: its journey. */
  @Get('trace/:traceId')
  async trace(@TenantId() tenantId: string, @Param('traceId', ParseUUIDPipe) traceId: string): Promise<{ traceId: string; events: DebugEvent[] }> {
    return { traceId, events: await this.events.trace(tenantId, traceId) };
  }

  /** Debug events of one entity, newest first (our shape, every type; the web app's Events tabs). */
  @Get(':entityType/:id')
  page(@TenantId() tenantId: string, @Param('entityType') type: string, @Param('id', ParseUUIDPipe) id: string, @Query() q: unknown) {
    return this.events.page(tenantId, z.enum(entityTypes).parse(type), id, query.parse(q));
  }

  /**
   * ThingsBoard's typed path (its clients and Events tab): one event type, each event as its EventInfo.
   * `tenantId` in the query is accepted and ignored: the caller's own tenant is always the one read.
   * Bridgeboard keeps only debug events, so LC_EVENT, ERROR and STATS pages are empty.
   */
  @Get(':entityType/:id/:eventType')
  async typed(
    @TenantId() tenantId: string,
    @Param('entityType') type: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('eventType') evType: string,
    @Query() q: unknown,
  ): Promise<PageData<TbEvent>> {
    const p = await this.events.page(tenantId, z.enum(entityTypes).parse(type), id, { ...query.parse(q), type: eventType.parse(evType) });
    return { ...p, data: p.data.map((e) => toTbEvent(tenantId, e)) };
  }

  @Delete(':entityType/:id')
  @HttpCode(200)
  async clear(@TenantId() tenantId: string, @Param('entityType') type: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.events.clear(tenantId, z.enum(entityTypes).parse(type), id);
  }
}
