import { z } from 'zod';
import { queryBoolean } from './common.js';

export const attributeScopes = ['SERVER_SCOPE', 'SHARED_SCOPE', 'CLIENT_SCOPE'] as const;
export type AttributeScope = (typeof attributeScopes)[number];

/** Longest telemetry / attribute key accepted (characters); longer keys are rejected with an error. */
export const MAX_TELEMETRY_KEY_LENGTH = 255;

export interface TsValue {
  ts: number;
  /** a string unless useStrictDataTypes=true (as ThingsBoard) */
  value: unknown;
}
/** GET .../values/timeseries → {key: [{ts, value}]} */
export type TimeseriesData = Record<string, TsValue[]>;

/** GET .../values/attributes → [{key, value, lastUpdateTs}] */
export interface AttributeData {
  key: string;
  value: unknown;
  lastUpdateTs: number;
}

export const aggregations = ['NONE', 'AVG', 'MIN', 'MAX', 'SUM', 'COUNT'] as const;
export type Aggregation = (typeof aggregations)[number];

/** How aggregation buckets are cut: fixed `interval` ms from startTs, or calendar weeks (Sunday / ISO Monday), months, quarters in `timeZone`. */
export const intervalTypes = ['MILLISECONDS', 'WEEK', 'WEEK_ISO', 'MONTH', 'QUARTER'] as const;
export type IntervalType = (typeof intervalTypes)[number];
/** The shortest bucket of each calendar interval type (ms), for the bucket-count cap. */
const SHORTEST_BUCKET: Record<Exclude<IntervalType, 'MILLISECONDS'>, number> = {
  WEEK: 7 * 86_400_000 - 3_600_000,
  WEEK_ISO: 7 * 86_400_000 - 3_600_000,
  MONTH: 28 * 86_400_000 - 3_600_000,
  QUARTER: 89 * 86_400_000 - 3_600_000,
};

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const csv = z
  .string()
  .optional()
  .transform((s) => (s ? s.split(',').map((k) => k.trim()).filter(Boolean) : []));
const boolish = queryBoolean.optional().transform((v) => v === true);

/** Most keys one telemetry query may name. */
export const MAX_KEYS_PER_QUERY = 100;
/** Most values one history query may return (keys × limit). */
export const MAX_POINTS_PER_QUERY = 1_000_000;
/** Most aggregation intervals in one history query (ThingsBoard's ts_max_intervals). */
export const MAX_AGGREGATION_INTERVALS = 700;

export const timeseriesQuerySchema = z
  .object({
    keys: csv,
    startTs: z.coerce.number().int().min(0).optional(),
    endTs: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(100_000).default(100),
    orderBy: z.enum(['ASC', 'DESC', 'asc', 'desc']).default('DESC').transform((v) => v.toUpperCase() as 'ASC' | 'DESC'),
    agg: z.enum(aggregations).default('NONE'),
    interval: z.coerce.number().int().min(1).optional(),
    intervalType: z.enum(intervalTypes).default('MILLISECONDS'),
    timeZone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, { message: 'timeZone is not a known time zone (use an IANA name such as Europe/Berlin)' }),
    useStrictDataTypes: boolish,
  })
  .refine((q) => (q.startTs === undefined) === (q.endTs === undefined), { message: 'startTs and endTs go together', path: ['endTs'] })
  .refine((q) => q.startTs === undefined || q.endTs! >= q.startTs, { message: 'endTs must not be before startTs', path: ['endTs'] })
  .refine((q) => q.agg === 'NONE' || q.intervalType !== 'MILLISECONDS' || (q.interval ?? 0) > 0, {
    message: 'interval (ms) is required with agg',
    path: ['interval'],
  })
  // Resource caps (issue 10, point 16): one history call must not make the server read or hold unbounded data.
  // A query without keys is checked again once the server knows the device's keys (historyCapProblem).
  .refine((q) => q.keys.length <= MAX_KEYS_PER_QUERY, { message: `ask for at most ${MAX_KEYS_PER_QUERY} keys per query`, path: ['keys'] })
  .refine((q) => Math.max(1, q.keys.length) * q.limit <= MAX_POINTS_PER_QUERY, {
    message: `keys × limit may be at most ${MAX_POINTS_PER_QUERY} values per query; ask for fewer keys or a smaller limit`,
    path: ['limit'],
  })
  .refine(
    (q) =>
      q.agg === 'NONE' ||
      q.startTs === undefined ||
      (q.endTs! - q.startTs) / (q.intervalType === 'MILLISECONDS' ? q.interval! : SHORTEST_BUCKET[q.intervalType]) <= MAX_AGGREGATION_INTERVALS,
    {
    message: `the time range holds more than ${MAX_AGGREGATION_INTERVALS} intervals; use a shorter range or a longer interval`,
    path: ['interval'],
  });
export type TimeseriesQuery = z.infer<typeof timeseriesQuerySchema>;

/**
 * The caps of a history query without `keys`, which asks for every key of the device: checked
 * on that expanded list (the schema could only count the keys named). A sentence, or null.
 */
export function historyCapProblem(deviceKeys: number, limit: number): string | null {
  const all = `Without keys the query asks for all ${deviceKeys} time series keys of this device`;
  if (deviceKeys > MAX_KEYS_PER_QUERY)
    return `${all}, more than the ${MAX_KEYS_PER_QUERY} keys one query may ask for; name the keys you need (keys=a,b)`;
  if (deviceKeys * limit > MAX_POINTS_PER_QUERY)
    return `${all}: ${deviceKeys} keys × limit ${limit} = ${deviceKeys * limit} values, more than the ${MAX_POINTS_PER_QUERY} one query may return; name the keys you need (keys=a,b) or lower the limit`;
  return null;
}

export const attributesQuerySchema = z.object({ keys: csv });
