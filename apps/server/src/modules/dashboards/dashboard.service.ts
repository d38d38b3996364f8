import { Injectable } from '@nestjs/common';
import {
  saveDashboardSchema,
  type Dashboard,
  type DashboardInfo,
  type PageData,
  type PageQuery,
} from '@bridgeboard/contracts';
import { DashboardRepository } from './dashboard.repository.js';
import { DashboardError } from './dashboard.errors.js';
import { TenantLimits } from '../../common/tenant-limits.js';

@Injectable()
export class DashboardService {
  constructor(
    private readonly repo: DashboardRepository,
    private readonly limits: TenantLimits,
  ) {}

  page(tenantId: string, q: PageQuery): Promise<PageData<DashboardInfo>> {
    return this.repo.page(tenantId, q);
  }

  async get(tenantId: string, id: string): Promise<Dashboard> {
    const d = await this.repo.findById(tenantId, id);
    if (!d) throw DashboardError.notFound(id);
    return d;
  }

  /** Creates, or with `id` replaces title and configuration (the whole document, as ThingsBoard). */
  async save(tenantId: string, body: unknown): Promise<Dashboard> {
    const req = saveDashboardSchema.parse(body);
    if (!req.id) {
      await this.limits.checkCreate(tenantId, 'dashboards');
      return this.repo.insert(tenantId, req);
    }
    const d = await this.repo.update(tenantId, req.id.id, req);
    if (!d) throw DashboardError.notFound(req.id.id);
    return d;
  }

  async delete(tenantId: string, id: string): Promise<void> {
    if (!(await this.repo.delete(tenantId, id))) throw DashboardError.notFound(id);
  }
}
