import { Inject, Injectable } from '@nestjs/common';
import type { Device, PageData, PageQuery, SaveDeviceRequest } from '@bridgeboard/contracts';
import { Db } from '../../database/db.js';
import { staleVersion } from '../../common/versioning.js';
import { DeviceRepository, type DeviceWrite } from './device.repository.js';
import { DeviceError } from './device.errors.js';
import { TenantLimits } from '../../common/tenant-limits.js';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';

@Injectable()
export class DeviceService {
  constructor(
    private readonly repo: DeviceRepository,
    private readonly db: Db,
    private readonly limits: TenantLimits,
    /** device lifecycle events (live updates, caches of device names, activity) */
    @Inject(PLATFORM_EVENTS) private readonly events: PlatformEvents,
  ) {}

  page(tenantId: string, q: PageQuery, type?: string): Promise<PageData<Device>> {
    return this.repo.page(tenantId, q, type);
  }

  async get(tenantId: string, id: string): Promise<Device> {
    const d = await this.repo.findById(tenantId, id);
    if (!d) throw DeviceError.notFound(`with id ${id}`);
    return d;
  }

  async getByName(tenantId: string, name: string): Promise<Device> {
    const d = await this.repo.findByName(tenantId, name);
    if (!d) throw DeviceError.notFound(`with name '${name}'`);
    return d;
  }

  async save(tenantId: string, req: SaveDeviceRequest): Promise<Device> {
    const other = await this.repo.findByName(tenantId, req.name);
    if (other && other.id.id !== req.id?.id) throw DeviceError.nameTaken(req.name);
    // checked before a profile may be made for it
    if (req.id && !(await this.repo.findById(tenantId, req.id.id)))
      throw DeviceError.notFound(`with id ${req.id.id}`);
    if (!req.id) await this.limits.checkCreate(tenantId, 'devices');
    // As ThingsBoard: a profile given wins and names the type; else the type names the profile (created on first use).
    let w: DeviceWrite;
    if (req.deviceProfileId) {
      const p = await this.repo.profiles.findById(tenantId, req.deviceProfileId.id);
      if (!p)
        throw DeviceError.badField(
          'deviceProfileId',
          `no device profile with id ${req.deviceProfileId.id} in your tenant`,
        );
      w = { ...req, type: p.name, deviceProfileId: p.id.id };
    } else {
      // a type nobody used yet makes a profile: within the tenant's profile limit
      if (!(await this.repo.profiles.findIdByName(tenantId, req.type)))
        await this.limits.checkCreate(tenantId, 'deviceProfiles');
      w = { ...req, deviceProfileId: await this.repo.profiles.idFor(tenantId, req.type) };
    }
    if (req.id) {
      const d = await this.repo.update(tenantId, req.id.id, w, req.version);
      if (!d)
        throw (
          (await staleVersion(this.db, 'device', tenantId, req.id.id, req.version, 'Device')) ??
          DeviceError.notFound(`with id ${req.id.id}`)
        );
      this.events.emit('deviceUpdated', d);
      return d;
    }
    try {
      const d = await this.repo.insert(tenantId, w);
      this.events.emit('deviceCreated', d);
      return d;
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw DeviceError.nameTaken(req.name);
      throw e;
    }
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const d = await this.get(tenantId, id);
    await this.repo.delete(tenantId, id);
    this.events.emit('deviceDeleted', d);
  }
}
