import { z } from 'zod';
import type { EntityId } from './common.js';

export interface Device {
  id: EntityId<'DEVICE'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  name: string;
  type: string;
  label: string | null;
  additionalInfo: Record<string, unknown> | null;
}

export const saveDeviceSchema = z.object({
  id: z.object({ entityType: z.literal('DEVICE'), id: z.string().uuid() }).optional(),
  name: z.string().trim().min(1, 'name is required').max(255),
  type: z.string().trim().min(1).max(255).default('default'),
  label: z.string().max(255).nullish(),
  additionalInfo: z.record(z.string(), z.unknown()).nullish(),
});
export type SaveDeviceRequest = z.infer<typeof saveDeviceSchema>;
