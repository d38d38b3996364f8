import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { TelemetryService } from '../telemetry/telemetry.service.js';
import type { TenantUsage } from '@bridgeboard/contracts';
import { ActivityRepository } from './activity.repository.js';
import { DeviceActivity } from './device-activity.js';

/** How often device activity is written and inactivity checked, ms. */
const TICK_MS = 5000;
/** The sysadmin's usage table (devices, events, data points: counted or sampled) is computed at most this often. */
const USAGE_CACHE_MS = 60_000;

/**
 * Device activity (ThingsBoard's active / lastActivityTime server attributes) fed by committed
 * uplinks, and the counts the home page shows.
 */
@Injectable()
export class ActivityService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('activity');
  private readonly activity: DeviceActivity;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private tickError: string | null = null;
  private usageCache: { at: number; rows: Promise<TenantUsage[]> } | null = null;

  constructor(
    readonly repo: ActivityRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    runtime: IntegrationRuntime,
    telemetry: TelemetryService,
    @Inject(PLATFORM_EVENTS) platform: PlatformEvents,
  ) {
    this.activity = new DeviceActivity(
      {
        save: async (items) => {
          try {
            await telemetry.saveBatch(items);
          } catch (e) {
            // a device deleted meanwhile (with its tenant, say): forget it, write the others
            if ((e as { code?: string }).code !== '23503') throw e;
            const alive = await this.repo.existing(items.map((i) => i.deviceId));
            for (const i of items) if (!alive.has(i.deviceId)) this.activity.forget(i.deviceId);
            await telemetry.saveBatch(items.filter((i) => alive.has(i.deviceId)));
          }
        },
        timeouts: (ids) => this.repo.timeouts(ids),
        lastActivity: (ids) => this.repo.lastActivity(ids),
      },
      config.DEVICE_INACTIVITY_TIMEOUT_SEC * 1000,
    );
    runtime.events.on('uplinks', (msgs) => {
      const now = Date.now();
      for (const m of msgs) this.activity.touch(m.tenantId, m.device.id.id, now);
    });
    telemetry.events.on('attributes', (_tenantId, deviceId, scope, data) => {
      if (scope !== 'SERVER_SCOPE') return;
      for (const d of data)
        if (d.key === 'inactivityTimeout') this.activity.timeoutChanged(deviceId, d.value);
    });
    platform.on('deviceDeleted', (d) => this.activity.forget(d.id.id));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.activity.restore(await this.repo.activeDevices());
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.tick();
  }

  /** Writes what moved (tests call it instead of waiting for the timer). */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(async () => {
      try {
        await this.activity.tick(Date.now());
        if (this.tickError) this.log.log('Device activity is written again');
        this.tickError = null;
      } catch (e) {
        const text = (e as Error).message;
        if (text !== this.tickError)
          this.log.warn(
            `Could not write device activity (kept, tried again in ${TICK_MS / 1000} s): ${text}`,
          );
        this.tickError = text;
      }
    });
    return this.ticking;
  }

  usage(): Promise<TenantUsage[]> {
    const now = Date.now();
    if (!this.usageCache || now - this.usageCache.at > USAGE_CACHE_MS) {
      const rows = this.repo.usage();
      this.usageCache = { at: now, rows };
      rows.catch(() => (this.usageCache = null));
    }
    return this.usageCache.rows;
  }
}
