import { Controller, Get, Query } from '@nestjs/common';
import type { DeviceInfo, HomeSummary, PageData, TenantUsage } from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { Roles, TenantId } from '../auth/security.js';
import { DeviceService } from '../devices/device.service.js';
import { DebugEventService } from '../events/debug-event.service.js';
import { ActivityService } from './activity.service.js';

const RECENT_ERRORS = 10;

/** The device list with activity, the tenant's home page, and the sysadmin's usage table. */
@Controller('api')
export class ActivityController {
  constructor(
    private readonly activity: ActivityService,
    private readonly devices: DeviceService,
    private readonly events: DebugEventService,
  ) {}

  /** ThingsBoard's device infos: the device page, each with `active` and `lastActivityTime`. */
  @Get('tenant/deviceInfos')
  async deviceInfos(
    @TenantId() tenantId: string,
    @Query() q: Record<string, unknown>,
  ): Promise<PageData<DeviceInfo>> {
    const type = typeof q.type === 'string' && q.type ? q.type : undefined;
    const page = await this.devices.page(tenantId, parsePageQuery(q), type);
    const act = await this.activity.repo.activityOf(
      tenantId,
      page.data.map((d) => d.id.id),
    );
    return {
      ...page,
      data: page.data.map((d) => ({ ...d, active: false, lastActivityTime: null, ...act.get(d.id.id) })),
    };
  }

  @Get('home')
  async home(@TenantId() tenantId: string): Promise<HomeSummary> {
    const [counts, recentErrors] = await Promise.all([
      this.activity.repo.deviceCounts(tenantId),
      this.events.recentErrors(tenantId, RECENT_ERRORS),
    ]);
    return { devices: { ...counts, inactive: counts.total - counts.active }, recentErrors };
  }

  /** Every tenant's devices, messages and stored data (counted at most once a minute). */
  @Get('admin/usage')
  @Roles('SYS_ADMIN')
  usage(): Promise<TenantUsage[]> {
    return this.activity.usage();
  }
}
