import { z } from 'zod';
import { versionSchema, type EntityId } from './common.js';

/**
 * Data converters (contracts.md "Data converters"): an uplink decoder turns a device payload into
 * device data, a downlink encoder turns a rule-engine message into a payload for the device.
 */
export const converterTypes = ['UPLINK', 'DOWNLINK'] as const;
export type ConverterType = (typeof converterTypes)[number];

const stringMap = z.record(z.string(), z.string());

/** A saved example: input → expected output. Uplink cases carry `payload` (base64), downlink cases `msg`. */
export const converterTestCaseSchema = z.object({
  name: z.string().trim().min(1, 'test case name is required').max(255),
  payload: z.string().max(1_000_000).optional(),
  msg: z.unknown().optional(),
  metadata: stringMap.default({}),
  msgType: z.string().max(255).optional(),
  integrationMetadata: stringMap.optional(),
  /** the script's result as JSON; absent means "runs without error" */
  expected: z.unknown().optional(),
});
export type ConverterTestCase = z.infer<typeof converterTestCaseSchema>;

export interface ConverterTestResult {
  name: string;
  pass: boolean;
  /** the script's result as JSON text ('' when it failed) */
  output: string;
  error: string;
}

export const converterConfigurationSchema = z
  .object({
    scriptLang: z.literal('JS', { message: 'only JS scripts are supported' }).default('JS'),
    decoder: z.string().max(10_000_000).optional(),
    encoder: z.string().max(10_000_000).optional(),
  })
  .passthrough();

export const saveConverterSchema = z
  .object({
    id: z.object({ entityType: z.literal('CONVERTER'), id: z.string().uuid() }).optional(),
    name: z.string().trim().min(1, 'name is required').max(255),
    type: z.enum(converterTypes),
    debugMode: z.boolean().default(false),
    /** keep debug mode on instead of switching it off after DEBUG_MODE_AUTO_OFF_MIN minutes */
    debugModePinned: z.boolean().default(false),
    configuration: converterConfigurationSchema,
    additionalInfo: z.record(z.string(), z.unknown()).nullish(),
    testCases: z.array(converterTestCaseSchema).max(100).default([]),
    version: versionSchema,
  })
  .superRefine((c, ctx) => {
    const key = c.type === 'UPLINK' ? 'decoder' : 'encoder';
    if (!c.configuration[key]?.trim())
      ctx.addIssue({
        code: 'custom',
        path: ['configuration', key],
        message: `an ${c.type.toLowerCase()} converter needs a ${key} script`,
      });
  });
export type SaveConverterRequest = z.infer<typeof saveConverterSchema>;

export interface Converter {
  id: EntityId<'CONVERTER'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  name: string;
  type: ConverterType;
  /** whether runs are being recorded now (false once debug mode switched itself off) */
  debugMode: boolean;
  debugModePinned: boolean;
  /** when debug mode was switched on (ms), null when off */
  debugModeSince: number | null;
  /** when debug mode switches itself off (ms); null when off or pinned */
  debugModeUntil: number | null;
  configuration: { scriptLang: 'JS'; decoder?: string; encoder?: string; [k: string]: unknown };
  additionalInfo: Record<string, unknown> | null;
  testCases: ConverterTestCase[];
  /** raised by every save; a save naming an older version answers 409 */
  version: number;
  /** only in the reply to POST /api/converter: the saved test cases, run */
  testResults?: ConverterTestResult[];
}

export const testUpLinkSchema = z.object({
  payload: z.string().max(10_000_000).default(''),
  metadata: stringMap.default({}),
  decoder: z.string().min(1, 'decoder script is required'),
});
export type TestUpLinkRequest = z.infer<typeof testUpLinkSchema>;

export const testDownLinkSchema = z.object({
  /** the message data as JSON text (an object is accepted too) */
  msg: z.unknown().default('{}'),
  metadata: stringMap.default({}),
  msgType: z.string().max(255).default('RPC_CALL_FROM_SERVER_TO_DEVICE'),
  integrationMetadata: stringMap.default({}),
  encoder: z.string().min(1, 'encoder script is required'),
});
export type TestDownLinkRequest = z.infer<typeof testDownLinkSchema>;

export interface ConverterTestReply {
  output: string;
  error: string;
  consoleLines: string[];
}

/** GET /api/converter/{id}/debugIn: the latest real input, ready for a test run. */
/**
 * GET /api/converter/{id}/debugIn, as ThingsBoard: the latest real input. `inContent` is the payload as text
 * (base64 when `inContentType` is BINARY), `inMetadata` the metadata as JSON text; a downlink converter's also
 * has `inMsgType` and `inIntegrationMetadata` (JSON text). `ts` (when it arrived) is ours.
 */
export interface ConverterDebugInReply {
  inContent: string;
  inContentType: 'JSON' | 'TEXT' | 'BINARY';
  inMetadata: string;
  inMsgType?: string;
  inIntegrationMetadata?: string;
  ts: number;
}

/** The latest input as the runtime remembers it (internal; the REST answer is ConverterDebugInReply). */
export type ConverterDebugIn =
  | { type: 'UPLINK'; ts: number; payload: string; metadata: Record<string, string> }
  | {
      type: 'DOWNLINK';
      ts: number;
      msg: string;
      metadata: Record<string, string>;
      msgType: string;
      integrationMetadata: Record<string, string>;
    };
