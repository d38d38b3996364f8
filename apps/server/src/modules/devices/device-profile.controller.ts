import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  saveDeviceProfileSchema,
  type DeviceProfile,
  type DeviceProfileInfo,
  type PageData,
} from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { toProfileInfo } from './device-profile.repository.js';
import { DeviceProfileService } from './device-profile.service.js';

/** ThingsBoard's device profile REST calls (see DeviceProfileService for what a profile is here). */
@Controller('api')
export class DeviceProfileController {
  constructor(private readonly profiles: DeviceProfileService) {}

  @Get('deviceProfiles')
  page(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<DeviceProfile>> {
    return this.profiles.page(tenantId, parsePageQuery(q));
  }

  @Get('deviceProfileInfo/default')
  defaultInfo(@TenantId() tenantId: string): Promise<DeviceProfileInfo> {
    return this.profiles.defaultInfo(tenantId);
  }

  @Get('deviceProfileInfo/:id')
  async info(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<DeviceProfileInfo> {
    return toProfileInfo(await this.profiles.get(tenantId, id));
  }

  @Get('deviceProfile/:id')
  get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<DeviceProfile> {
    return this.profiles.get(tenantId, id);
  }

  /** Create, or update with `id`. */
  @Post('deviceProfile')
  @HttpCode(200)
  save(@TenantId() tenantId: string, @Body() body: unknown): Promise<DeviceProfile> {
    return this.profiles.save(tenantId, saveDeviceProfileSchema.parse(body));
  }
}
