import { z } from 'zod';

export const entityTypes = [
  'DEVICE',
  'CONVERTER',
  'INTEGRATION',
  'RULE_CHAIN',
  'RULE_NODE',
  'DASHBOARD',
  'DEVICE_PROFILE',
  'TENANT',
  'USER',
] as const;
export type EntityType = (typeof entityTypes)[number];

export const entityIdSchema = <T extends EntityType>(type: T) =>
  z.object({ entityType: z.literal(type), id: z.string().uuid() });
export const anyEntityIdSchema = z.object({ entityType: z.enum(entityTypes), id: z.string().uuid() });

export interface EntityId<T extends EntityType = EntityType> {
  entityType: T;
  id: string;
}

/** A boolean in a query string: `true`/`false` in any case (ThingsBoard's clients send `True`), as Spring reads them. */
export const queryBoolean = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(['true', 'false'], { message: "must be 'true' or 'false'" }))
  .transform((v) => v === 'true');

/** Optimistic locking (ThingsBoard's `version`): a save naming an older version than the stored one answers 409; without it, it overwrites. */
export const versionSchema = z.number().int().min(0).nullish();

export interface PageData<T> {
  data: T[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}

/** Largest page a client may ask for (resource cap). */
export const MAX_PAGE_SIZE = 1000;

export const pageQuerySchema = z.object({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(10),
  page: z.coerce.number().int().min(0).default(0),
  // Postgres text cannot hold a NUL: refuse it here rather than fail in the query
  textSearch: z.string().max(256).refine((v) => !v.includes('\u0000'), 'must not contain a NUL character (\\u0000)').optional(),
  sortProperty: z.string().max(64).optional(),
  sortOrder: z.enum(['ASC', 'DESC', 'asc', 'desc']).transform((v) => v.toUpperCase() as 'ASC' | 'DESC').optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface ApiErrorBody {
  status: number;
  message: string;
  errorCode: number;
  timestamp: number;
  field?: string;
}

export const authorities = ['SYS_ADMIN', 'TENANT_ADMIN'] as const;
export type Authority = (typeof authorities)[number];

/** A debug event as served by GET /api/events/{entityType}/{id}. */
export interface DebugEvent {
  id: string;
  createdTime: number;
  entityId: { entityType: EntityType; id: string };
  /** e.g. DEBUG_CONVERTER, DEBUG_INTEGRATION, DEBUG_RULE_NODE */
  type: string;
  body: DebugEventBody;
  /** the message this event belongs to: every event one uplink or one RPC causes shares it (GET /api/events/trace/{traceId}) */
  traceId?: string;
}
export interface DebugEventBody {
  /** converters / integrations: the input (payload text, or base64 for binary) */
  in?: string;
  inContentType?: 'JSON' | 'TEXT' | 'BINARY';
  out?: string;
  metadata?: Record<string, string> | string;
  error?: string;
  [k: string]: unknown;
}
