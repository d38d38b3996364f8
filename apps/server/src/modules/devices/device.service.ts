import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { Device, PageData, PageQuery, SaveDeviceRequest } from '@bridgeboard/contracts';
import { DeviceRepository } from './device.repository.js';
import { DeviceError } from './device.errors.js';
import { TenantLimits } from '../../common/tenant-limits.js';

export interface DeviceEvents {
  created: [Device];
  updated: [Device];
  deleted: [Device];
}

@Injectable()
export class DeviceService {
  /** Device lifecycle events (live updates, rule engine). */
  readonly events = new EventEmitter<DeviceEvents>();

  constructor(
    private readonly repo: DeviceRepository,
    private readonly limits: TenantLimits,
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
    if (req.id) {
      const d = await this.repo.update(tenantId, req.id.id, req);
      if (!d) throw DeviceError.notFound(`with id ${req.id.id}`);
      this.events.emit('updated', d);
      return d;
    }
    await this.limits.checkCreate(tenantId, 'devices');
    try {
      const d = await this.repo.insert(tenantId, req);
      this.events.emit('created', d);
      return d;
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw DeviceError.nameTaken(req.name);
      throw e;
    }
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const d = await this.get(tenantId, id);
    await this.repo.delete(tenantId, id);
    this.events.emit('deleted', d);
  }
}
