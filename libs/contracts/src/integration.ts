import { z } from 'zod';
import { versionSchema, type EntityId } from './common.js';

export const MQTT_MAX_BYTES_DEFAULT = 32768;

/**
 * Topics under this prefix belong to the platform (integration heartbeats): a tenant's filter may not
 * name them, and messages on them never reach a converter.
 */
export const RESERVED_TOPIC_PREFIX = 'bridgeboard/';

/** Checks an MQTT topic filter: `+` fills a whole level, `#` only as the whole last level; the platform's prefix is reserved. */
export function topicFilterProblem(filter: string): string | null {
  if (!filter) return 'must not be empty';
  if (filter.includes('\u0000')) return 'must not contain NUL characters';
  if (filter.startsWith(RESERVED_TOPIC_PREFIX) || filter === RESERVED_TOPIC_PREFIX.slice(0, -1))
    return `must not start with '${RESERVED_TOPIC_PREFIX}': the platform reserves those topics for itself`;
  if (new TextEncoder().encode(filter).length > 65535) return 'is too long';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return `'#' must be a whole level and the last one (level ${i + 1} is '${l}')`;
    if (l.includes('+') && l !== '+') return `'+' must fill a whole level (level ${i + 1} is '${l}')`;
  }
  return null;
}

/**
 * Connection fields go into the CONNECT packet (client id, username, password) or a DNS lookup (host)
 * as they are: a CR, LF or other control character there is never meant, and sends whatever follows it
 * to a service that reads lines (issue 14, finding 6).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const plain = (s: z.ZodString, what: string) =>
  s.refine((v) => !CONTROL.test(v), { message: `${what} must not contain control characters (CR, LF, TAB, NUL, …)` });

const converterRef = z.object({ entityType: z.literal('CONVERTER'), id: z.string().uuid() });

export const mqttCredentialsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('anonymous') }),
  z.object({
    type: z.literal('basic'),
    username: plain(z.string().min(1, 'username is required').max(1024), 'username'),
    password: plain(z.string().max(1024), 'password').optional(),
  }),
  z.object({
    type: z.literal('cert.PEM'),
    caCert: z.string().max(65536).optional(),
    cert: z.string().max(65536).optional(),
    privateKey: z.string().max(65536).optional(),
    privateKeyPassword: z.string().max(1024).optional(),
  }),
]);
export type MqttCredentials = z.infer<typeof mqttCredentialsSchema>;

export const topicFilterSchema = z.object({
  filter: z.string().superRefine((f, ctx) => {
    const p = topicFilterProblem(f);
    if (p) ctx.addIssue({ code: 'custom', message: `topic filter '${f}' ${p}` });
  }),
  qos: z.coerce.number().int().min(0, 'QoS must be 0, 1 or 2').max(2, 'QoS must be 0, 1 or 2').default(0),
});

export const mqttConfigurationSchema = z.object({
  clientConfiguration: z.object({
    host: plain(z.string().trim().min(1, 'host is required').max(255), 'host'),
    port: z.coerce.number().int().min(1, 'port must be between 1 and 65535').max(65535, 'port must be between 1 and 65535').default(1883),
    cleanSession: z.boolean().default(false),
    retainedMessage: z.boolean().default(false),
    ssl: z.boolean().default(false),
    connectTimeoutSec: z.coerce.number().int().min(1).max(300).default(10),
    clientId: plain(z.string().max(256), 'client id').optional().nullable(),
    maxBytesInMessage: z.coerce.number().int().min(1).max(268_435_455).default(MQTT_MAX_BYTES_DEFAULT),
    credentials: mqttCredentialsSchema.default({ type: 'anonymous' }),
  }),
  topicFilters: z.array(topicFilterSchema).min(1, 'at least one topic filter is required').max(100),
  downlinkTopicPattern: z.string().max(1024).default('${topic}'),
  metadata: z.record(z.string(), z.string()).default({}),
  /**
   * Cluster: run on every node at once, each node subscribed as $share/<group>/<filter> (shared subscriptions:
   * MQTT 5 brokers such as Mosquitto 2, EMQX, HiveMQ; not the embedded aedes) with its own client id and session.
   * More throughput, but one device's messages may be stored out of order across nodes. Absent or false: one node.
   */
  sharedSubscription: z.boolean().optional(),
  /** expected at least one uplink every this many minutes (decimals allowed); longer silence makes the status SILENT with an ERROR event. Absent or null: off */
  silenceAlertMin: z.coerce
    .number()
    .min(0.05, 'silenceAlertMin must be at least 0.05 minutes (3 seconds)')
    .max(43_200, 'silenceAlertMin must be at most 43200 minutes (30 days)')
    .nullish(),
});
export type MqttConfiguration = z.infer<typeof mqttConfigurationSchema>;

export const saveIntegrationSchema = z.object({
  id: z.object({ entityType: z.literal('INTEGRATION'), id: z.string().uuid() }).optional(),
  name: z.string().trim().min(1, 'name is required').max(255),
  type: z.literal('MQTT').default('MQTT'),
  enabled: z.boolean().default(true),
  debugMode: z.boolean().default(false),
  debugModePinned: z.boolean().optional(),
  defaultConverterId: converterRef,
  downlinkConverterId: converterRef.nullish(),
  configuration: mqttConfigurationSchema,
  additionalInfo: z.record(z.string(), z.unknown()).nullish(),
  /** ThingsBoard's clients require it (its UI makes a UUID); kept when sent, a new UUID when absent */
  routingKey: z.string().trim().min(1, 'routingKey must not be empty').max(255).nullish(),
  /** ThingsBoard's integration secret (used by its remote integrations); kept as sent */
  secret: z.string().max(255).nullish(),
  version: versionSchema,
});
export type SaveIntegrationRequest = z.infer<typeof saveIntegrationSchema>;

/** SILENT: connected, but no uplink for longer than the integration's silenceAlertMin */
export type IntegrationConnectionState = 'CONNECTED' | 'CONNECTING' | 'DISCONNECTED' | 'SILENT' | `ERROR: ${string}`;

export interface IntegrationStatus {
  status: IntegrationConnectionState;
  messagesIn: number;
  messagesOut: number;
  errors: number;
  lastMessageTime: number | null;
  /** the last error text, kept after the status recovers */
  lastError?: string | null;
  /** uplinks taken out of the stream (their decoding killed a sandbox worker, or was refused): kept raw, see /quarantine */
  quarantined?: number;
  /** messages refused by a platform limit since start, per limit (messageSize, keysPerMessage, keysPerDevice, newDevicesPerMinute, devicesPerTenant); absent when none */
  refused?: Record<string, number>;
  /** uplinks per second over the last 1 and 15 minutes, errors per second over 15 minutes, uplinks per minute of the last 15 (oldest first) */
  rates?: IntegrationRates;
}

export interface IntegrationRates {
  in1m: number;
  in15m: number;
  errors15m: number;
  perMinute: number[];
}

export interface Integration {
  id: EntityId<'INTEGRATION'>;
  createdTime: number;
  tenantId: EntityId<'TENANT'>;
  name: string;
  type: 'MQTT';
  enabled: boolean;
  debugMode: boolean;
  debugModeSince: number | null;
  debugModePinned: boolean;
  debugModeUntil: number | null;
  defaultConverterId: EntityId<'CONVERTER'>;
  downlinkConverterId: EntityId<'CONVERTER'> | null;
  /** secrets (password, privateKey, privateKeyPassword) are never returned */
  configuration: MqttConfiguration;
  additionalInfo: Record<string, unknown> | null;
  routingKey: string;
  secret: string | null;
  /** raised by every save; a save naming an older version answers 409 */
  version: number;
  /** live connection state and counters (GET responses) */
  status?: IntegrationStatus;
}
