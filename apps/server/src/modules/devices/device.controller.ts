import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { saveDeviceSchema, type Device, type PageData } from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { DeviceService } from './device.service.js';

@Controller('api')
export class DeviceController {
  constructor(private readonly devices: DeviceService) {}

  /** Page of devices, or one device with ?deviceName= (as ThingsBoard). */
  @Get('tenant/devices')
  list(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<Device> | Device> {
    if (typeof q.deviceName === 'string') return this.devices.getByName(tenantId, q.deviceName);
    const type = typeof q.type === 'string' && q.type ? q.type : undefined;
    return this.devices.page(tenantId, parsePageQuery(q), type);
  }

  @Get('device/:id')
  get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<Device> {
    return this.devices.get(tenantId, id);
  }

  @Post('device')
  @HttpCode(200)
  save(@TenantId() tenantId: string, @Body() body: unknown): Promise<Device> {
    return this.devices.save(tenantId, saveDeviceSchema.parse(body));
  }

  @Delete('device/:id')
  @HttpCode(200)
  async delete(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.devices.delete(tenantId, id);
  }
}
