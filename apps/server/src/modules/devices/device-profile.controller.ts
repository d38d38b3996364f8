import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  saveDeviceProfileSchema,
  type DeviceProfile,
  type DeviceProfileInfo,
  type PageData,
} from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { StaleVersionError } from '../../common/versioning.js';
import { TenantId } from '../auth/security.js';
import { DeviceRepository } from './device.repository.js';
import { DeviceError } from './device.errors.js';
import { toProfileInfo } from './device-profile.repository.js';

/**
 * ThingsBoard's device profiles, as far as its clients need them: each tenant has a 'default' profile, and a
 * device's type names its profile (created on first use). Profiles carry no transport or alarm settings here.
 */
@Controller('api')
export class DeviceProfileController {
  constructor(private readonly devices: DeviceRepository) {}

  @Get('deviceProfiles')
  page(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<DeviceProfile>> {
    return this.devices.profiles.page(tenantId, parsePageQuery(q));
  }

  @Get('deviceProfileInfo/default')
  async defaultInfo(@TenantId() tenantId: string): Promise<DeviceProfileInfo> {
    return toProfileInfo(await this.devices.profiles.findDefault(tenantId));
  }

  @Get('deviceProfileInfo/:id')
  async info(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<DeviceProfileInfo> {
    return toProfileInfo(await this.get(tenantId, id));
  }

  @Get('deviceProfile/:id')
  async get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<DeviceProfile> {
    const p = await this.devices.profiles.findById(tenantId, id);
    if (!p) throw DeviceError.profileNotFound(id);
    return p;
  }

  /** Create, or update with `id` (renaming a profile renames the type of its devices). */
  @Post('deviceProfile')
  @HttpCode(200)
  async save(@TenantId() tenantId: string, @Body() body: unknown): Promise<DeviceProfile> {
    const req = saveDeviceProfileSchema.parse(body);
    const f = { name: req.name, description: req.description ?? null, profileData: req.profileData ?? null };
    try {
      if (!req.id) return await this.devices.profiles.insert(tenantId, f);
      const p = await this.devices.profiles.update(tenantId, req.id.id, f, req.version);
      if (p) return p;
      const current = await this.devices.profiles.currentVersion(tenantId, req.id.id);
      if (current === null || req.version == null) throw DeviceError.profileNotFound(req.id.id);
      throw new StaleVersionError('Device profile', req.name, req.version, current);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw DeviceError.profileNameTaken(req.name);
      throw e;
    }
  }
}
