import type { DebugEvent } from './common.js';
import type { Device } from './device.js';

/** A device in the list with ThingsBoard's activity state (GET /api/tenant/deviceInfos). */
export interface DeviceInfo extends Device {
  /** server attribute `active`: an uplink within the inactivity timeout */
  active: boolean;
  /** server attribute `lastActivityTime`, ms; null before the first uplink */
  lastActivityTime: number | null;
}

/** What the tenant's home page shows besides its integrations (GET /api/home). */
export interface HomeSummary {
  devices: { total: number; active: number; inactive: number };
  /** the newest debug events that carry an error, newest first */
  recentErrors: DebugEvent[];
}

/** One tenant's usage, for the sysadmin (GET /api/admin/usage). */
export interface TenantUsage {
  tenantId: string;
  title: string;
  devices: number;
  activeDevices: number;
  integrations: number;
  /** uplinks received by the tenant's integrations (kept across restarts) */
  messages: number;
  /** time series points stored (past a million in all, an estimate from a sample) */
  dataPoints: number;
  /** debug events stored */
  debugEvents: number;
}
