import { z } from 'zod';
import type { Authority, EntityId } from './common.js';

export const loginRequestSchema = z.object({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) });
export type LoginRequest = z.infer<typeof loginRequestSchema>;
export const refreshRequestSchema = z.object({ refreshToken: z.string().min(1).max(4096) });
export interface TokenPair {
  token: string;
  refreshToken: string;
}

export interface User {
  id: EntityId<'USER'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  email: string;
  authority: Authority;
  firstName?: string | null;
  lastName?: string | null;
  name: string;
}

export interface Tenant {
  id: EntityId<'TENANT'>;
  createdTime: number;
  title: string;
  name: string;
  /** days of telemetry history kept for this tenant (0 = forever); null: the platform's TELEMETRY_TTL_DAYS */
  telemetryTtlDays: number | null;
}

/** The tenant id of system-level entities, as in ThingsBoard. */
export const NULL_UUID = '13814000-1dd2-11b2-8080-808080808080';
