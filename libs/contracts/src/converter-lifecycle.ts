import { z } from 'zod';
import { converterConfigurationSchema } from './converter.js';

/** Issue 19: converter versions, replay of the raw archive, quarantine reprocessing, tests on the archive. */

export interface ConverterVersion {
  version: number;
  createdTime: number;
  createdBy: { id: string; email: string } | null;
  comment: string | null;
  name: string;
  configuration: { scriptLang: 'JS'; decoder?: string; encoder?: string; [k: string]: unknown };
}

/** `POST /api/converter?versionComment=` */
export const versionCommentSchema = z.string().max(255, 'versionComment is longer than 255 characters').optional();

const ms = (name: string) => z.number({ message: `${name} must be a time in milliseconds` }).int().min(0);

export const replayRequestSchema = z
  .object({
    startTs: ms('startTs'),
    endTs: ms('endTs'),
    integrationId: z.string().uuid().optional(),
    deviceName: z.string().min(1).max(255).optional(),
    dryRun: z.boolean({ message: 'dryRun must be true or false' }),
    async: z.boolean().optional(),
  })
  .refine((r) => r.endTs >= r.startTs, { message: 'endTs must not be before startTs', path: ['endTs'] });
export type ReplayRequest = z.infer<typeof replayRequestSchema>;

/** The uplink output a converter version gave for one message (as decoded on the host). */
export interface UplinkOutput {
  deviceName: string;
  deviceType: string;
  attributes?: Record<string, unknown>;
  telemetry?: { ts: number; values: Record<string, unknown> }[];
}

/** One device's result of one archived message (a message decoding to several devices gives one sample each). */
export interface ReplaySample {
  deviceName: string;
  /** the message's receive time */
  ts: number;
  /** null when that version failed on the message (then `error` says why) or gave no result for this device */
  before: UplinkOutput | null;
  after: UplinkOutput | null;
  error?: string;
}
export interface ReplayDryRunResult {
  messages: number;
  changed: number;
  unchanged: number;
  failed: number;
  samples: ReplaySample[];
}
export interface ReplayApplyResult {
  messages: number;
  stored: number;
  failed: number;
}
export type ReplayJobStatus = 'RUNNING' | 'DONE' | 'CANCELLED' | 'FAILED';
export interface ReplayJob {
  id: string;
  status: ReplayJobStatus;
  dryRun: boolean;
  total: number;
  processed: number;
  createdTime: number;
  finishedTime: number | null;
  result: ReplayDryRunResult | ReplayApplyResult | null;
  error: string | null;
}

export const reprocessRequestSchema = z.object({ ids: z.array(z.string().uuid()).max(10_000).optional() });
/** `GET /api/integration/{id}/quarantine`: an uplink that failed to decode, kept with its error. */
export interface QuarantinedMessage {
  id: string;
  createdTime: number;
  integrationId: string;
  converterId: string | null;
  topic: string;
  /** base64 */
  payload: string;
  metadata: Record<string, string>;
  error: string;
  /** SCRIPT_ERROR, INVALID_OUTPUT, TIMEOUT, ... */
  errorCode: string;
  attempts: number;
  receivedTime: number;
}

export interface ReprocessResult {
  reprocessed: number;
  stored: number;
  failed: number;
}

export const testOnArchiveSchema = z.object({
  configuration: converterConfigurationSchema,
  limit: z.number().int().min(1, 'limit must be 1..500').max(500, 'limit must be 1..500').default(50),
});
export type TestOnArchiveRequest = z.infer<typeof testOnArchiveSchema>;
export interface TestOnArchiveSample {
  topic: string;
  receivedTime: number;
  /** the results of the saved version (several when the decoder returns an array); null when it failed */
  saved: UplinkOutput[] | null;
  edited: UplinkOutput[] | null;
  error?: string;
}
export interface TestOnArchiveResult {
  messages: number;
  decoded: number;
  failed: number;
  changed: number;
  samples: TestOnArchiveSample[];
}
