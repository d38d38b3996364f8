import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import {
  attributeScopes,
  attributesQuerySchema,
  timeseriesQuerySchema,
  type AttributeData,
  type TimeseriesData,
} from '@bridgeboard/contracts';
import { TenantId } from '../auth/security.js';
import { TelemetryError } from './telemetry.errors.js';
import { TelemetryService, type TsValues } from './telemetry.service.js';

const flat = z.record(z.string(), z.unknown());
const tsValues = z.object({ ts: z.coerce.number().int().min(0), values: flat });

/** The decoder's `telemetry` shapes: {k: v} | {ts, values} | [{ts, values}], normalised. */
export function normaliseTelemetry(body: unknown, now = Date.now()): TsValues[] {
  if (Array.isArray(body)) return z.array(tsValues).parse(body);
  const one = tsValues.safeParse(body);
  if (one.success && body && typeof body === 'object' && Object.keys(body).length === 2) return [one.data];
  return [{ ts: now, values: flat.parse(body) }];
}

const entityType = (t: string) => {
  if (t !== 'DEVICE') throw TelemetryError.bad(`Entity type ${t} has no telemetry here; use DEVICE`);
};

/** ThingsBoard's telemetry plugin endpoints (contracts.md), for devices. */
@Controller('api/plugins/telemetry')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  @Get(':entityType/:id/keys/timeseries')
  keys(@TenantId() tenantId: string, @Param('entityType') t: string, @Param('id', ParseUUIDPipe) id: string): Promise<string[]> {
    entityType(t);
    return this.telemetry.keys(tenantId, id);
  }

  @Get(':entityType/:id/values/timeseries')
  timeseries(
    @TenantId() tenantId: string,
    @Param('entityType') t: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: unknown,
  ): Promise<TimeseriesData> {
    entityType(t);
    return this.telemetry.timeseries(tenantId, id, timeseriesQuerySchema.parse(q));
  }

  @Get(':entityType/:id/values/attributes')
  attributes(@TenantId() tenantId: string, @Param('entityType') t: string, @Param('id', ParseUUIDPipe) id: string, @Query() q: unknown): Promise<AttributeData[]> {
    entityType(t);
    return this.telemetry.attributes(tenantId, id, null, attributesQuerySchema.parse(q).keys);
  }

  @Get(':entityType/:id/values/attributes/:scope')
  scopeAttributes(
    @TenantId() tenantId: string,
    @Param('entityType') t: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('scope') scope: string,
    @Query() q: unknown,
  ): Promise<AttributeData[]> {
    entityType(t);
    return this.telemetry.attributes(tenantId, id, z.enum(attributeScopes).parse(scope), attributesQuerySchema.parse(q).keys);
  }

  @Post(':entityType/:id/timeseries/:scope')
  @HttpCode(200)
  async saveTimeseries(@TenantId() tenantId: string, @Param('entityType') t: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown): Promise<void> {
    entityType(t);
    await this.telemetry.checkDevice(tenantId, id);
    await this.telemetry.saveTimeseries(tenantId, id, normaliseTelemetry(body));
  }

  @Post(':entityType/:id/attributes/:scope')
  @HttpCode(200)
  async saveAttributes(
    @TenantId() tenantId: string,
    @Param('entityType') t: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('scope') scope: string,
    @Body() body: unknown,
  ): Promise<void> {
    entityType(t);
    const s = z.enum(['SERVER_SCOPE', 'SHARED_SCOPE'], { message: 'scope must be SERVER_SCOPE or SHARED_SCOPE' }).parse(scope);
    await this.telemetry.checkDevice(tenantId, id);
    await this.telemetry.saveAttributes(tenantId, id, s, flat.parse(body));
  }
}
