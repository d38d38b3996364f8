import { Injectable } from '@nestjs/common';
import type {
  DeviceProfile,
  DeviceProfileInfo,
  PageData,
  PageQuery,
  SaveDeviceProfileRequest,
} from '@bridgeboard/contracts';
import { TenantLimits } from '../../common/tenant-limits.js';
import { StaleVersionError } from '../../common/versioning.js';
import { DeviceRepository } from './device.repository.js';
import { DeviceError } from './device.errors.js';
import { toProfileInfo } from './device-profile.repository.js';

/**
 * ThingsBoard's device profiles, as far as its clients need them: each tenant has a 'default' profile, and a
 * device's type names its profile (created on first use). Profiles carry no transport or alarm settings here.
 */
@Injectable()
export class DeviceProfileService {
  constructor(
    private readonly devices: DeviceRepository,
    private readonly limits: TenantLimits,
  ) {}

  page(tenantId: string, q: PageQuery): Promise<PageData<DeviceProfile>> {
    return this.devices.profiles.page(tenantId, q);
  }

  async defaultInfo(tenantId: string): Promise<DeviceProfileInfo> {
    return toProfileInfo(await this.devices.profiles.findDefault(tenantId));
  }

  async get(tenantId: string, id: string): Promise<DeviceProfile> {
    const p = await this.devices.profiles.findById(tenantId, id);
    if (!p) throw DeviceError.profileNotFound(id);
    return p;
  }

  /** Create, or update with `id` (renaming a profile renames the type of its devices). */
  async save(tenantId: string, req: SaveDeviceProfileRequest): Promise<DeviceProfile> {
    const f = { name: req.name, description: req.description ?? null, profileData: req.profileData ?? null };
    try {
      if (!req.id) {
        await this.limits.checkCreate(tenantId, 'deviceProfiles');
        return await this.devices.profiles.insert(tenantId, f);
      }
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
