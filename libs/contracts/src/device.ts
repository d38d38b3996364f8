import { z } from 'zod';
import { versionSchema, type EntityId } from './common.js';

export interface Device {
  id: EntityId<'DEVICE'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  name: string;
  type: string;
  label: string | null;
  /** the device profile named by `type` (created on first use); ThingsBoard's clients require it */
  deviceProfileId: EntityId<'DEVICE_PROFILE'>;
  additionalInfo: Record<string, unknown> | null;
  version: number;
}

export const saveDeviceSchema = z.object({
  id: z.object({ entityType: z.literal('DEVICE'), id: z.string().uuid() }).optional(),
  name: z.string().trim().min(1, 'name is required').max(255),
  type: z.string().trim().min(1).max(255).default('default'),
  label: z.string().max(255).nullish(),
  additionalInfo: z.record(z.string(), z.unknown()).nullish(),
  /** when given, the device takes this profile and its name as `type` (as ThingsBoard) */
  deviceProfileId: z.object({ entityType: z.literal('DEVICE_PROFILE'), id: z.string().uuid() }).nullish(),
  version: versionSchema,
});
export type SaveDeviceRequest = z.infer<typeof saveDeviceSchema>;

/** ThingsBoard's DeviceProfile, as far as Bridgeboard has one: a name devices are grouped by (their `type`). */
export interface DeviceProfile {
  id: EntityId<'DEVICE_PROFILE'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  name: string;
  description: string | null;
  image: null;
  type: 'DEFAULT';
  transportType: 'DEFAULT';
  provisionType: 'DISABLED';
  defaultRuleChainId: null;
  defaultDashboardId: null;
  defaultQueueName: null;
  provisionDeviceKey: null;
  firmwareId: null;
  softwareId: null;
  defaultEdgeRuleChainId: null;
  default: boolean;
  profileData: Record<string, unknown>;
  version: number;
}

/** GET /api/deviceProfileInfo/default and the like. */
export interface DeviceProfileInfo {
  id: EntityId<'DEVICE_PROFILE'>;
  tenantId: EntityId<'TENANT'>;
  name: string;
  image: null;
  defaultDashboardId: null;
  type: 'DEFAULT';
  transportType: 'DEFAULT';
}

export const saveDeviceProfileSchema = z.object({
  id: z.object({ entityType: z.literal('DEVICE_PROFILE'), id: z.string().uuid() }).nullish(),
  name: z.string().trim().min(1, 'name is required').max(255),
  description: z.string().max(1024).nullish(),
  type: z.literal('DEFAULT', { message: "only type 'DEFAULT' is supported" }).nullish(),
  transportType: z
    .literal('DEFAULT', {
      message: "only transportType 'DEFAULT' is supported (devices reach Bridgeboard through integrations)",
    })
    .nullish(),
  profileData: z.record(z.string(), z.unknown()).nullish(),
  version: versionSchema,
});
export type SaveDeviceProfileRequest = z.infer<typeof saveDeviceProfileSchema>;
