import os from 'node:os';
import { z } from 'zod';
import { parseDenyList } from '../common/destinations.js';

/**
 * All configuration, from the environment, validated once at start-up.
 * Every key has a default and a line in the README ("Configuration").
 */
const bool = z
  .enum(['true', 'false', 'on', 'off', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', 'on', '1', 'yes'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** ThingsBoard's rate limit notation capacity:seconds[,capacity:seconds...], or off. */
const rateLimit = z
  .string()
  .regex(/^\s*(off|[1-9]\d*\s*:\s*[1-9]\d*(\s*,\s*[1-9]\d*\s*:\s*[1-9]\d*)*)\s*$/i, 'write capacity:seconds pairs such as 100:1,2000:60, or off');

export const configSchema = z.object({
  /** HTTP port for the REST API, socket.io and the web app. */
  PORT: int(0, 65535).default(8080),
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Postgres connection URL; when empty an embedded Postgres is started under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Folder for embedded Postgres data and the generated JWT key. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Port of the embedded Postgres (only used without DATABASE_URL). */
  EMBEDDED_PG_PORT: int(1, 65535).default(54329),
  /** Start an embedded aedes MQTT broker for devices (on|off). */
  EMBEDDED_BROKER: bool.default(true),
  /** Port of the embedded broker. */
  EMBEDDED_BROKER_PORT: int(1, 65535).default(1883),
  /** HMAC key for JWTs (>= 32 characters); when empty one is generated on first start and kept in the database. */
  JWT_SECRET: z.string().optional(),
  /** Access token lifetime, seconds. */
  JWT_TOKEN_TTL_SEC: int(10, 86400 * 7).default(9000),
  /** Refresh token lifetime, seconds. */
  JWT_REFRESH_TTL_SEC: int(60, 86400 * 90).default(604800),
  /** First-start accounts. */
  ADMIN_EMAIL: z.string().email().default('sysadmin@example.com'),
  ADMIN_PASSWORD: z.string().min(4).default('sysadmin'),
  TENANT_EMAIL: z.string().email().default('tenant@example.com'),
  TENANT_PASSWORD: z.string().min(4).default('tenant'),
  /** bcrypt cost for password hashes. */
  BCRYPT_ROUNDS: int(4, 15).default(10),
  /** Log level: error, warn, log, debug, verbose. */
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** Log format: json (one object per line) or pretty. */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  /** Folder with the built web app to serve; empty to serve none. */
  WEB_DIR: z.string().optional(),
  /** Sandbox: time per run, ms. */
  SANDBOX_TIMEOUT_MS: int(1, 60000).default(500),
  /** Sandbox: memory per isolate, MB. */
  SANDBOX_MEMORY_MB: int(8, 4096).default(64),
  /** Sandbox: largest script, bytes. */
  SANDBOX_MAX_SCRIPT_BYTES: int(1024, 10_000_000).default(65536),
  /** Sandbox: largest result, characters of JSON. */
  SANDBOX_MAX_RESULT_CHARS: int(1024, 100_000_000).default(300000),
  /** Sandbox: largest arguments of one call, characters of JSON. */
  SANDBOX_MAX_ARGS_CHARS: int(1024, 1_000_000_000).default(10_000_000),
  /** Sandbox: consecutive errors before a script is suspended. */
  SANDBOX_MAX_ERRORS: int(1, 1000).default(3),
  /** Sandbox: how long a suspended script stays suspended, ms. */
  SANDBOX_SUSPEND_MS: int(0, 86400000).default(60000),
  /** Sandbox: worker processes that run user scripts (default: one per core). */
  SANDBOX_WORKERS: int(1, 64).default(Math.max(1, os.availableParallelism())),
  /** Sandbox: calls in flight per worker; one tenant gets at most half of them. */
  SANDBOX_WORKER_CONCURRENCY: int(1, 64).default(4),
  /** Sandbox: calls one tenant may have waiting or running; more are refused (429 on test endpoints). */
  SANDBOX_TENANT_QUEUE: int(1, 100_000).default(64),
  /** Sandbox: a worker's resident memory cap, MB; a worker above it is replaced (0 = no cap). */
  SANDBOX_WORKER_MAX_RSS_MB: int(0, 1_000_000).default(1536),
  /** Sandbox: times the sandbox itself may fail on a message before it is quarantined. */
  SANDBOX_POISON_ATTEMPTS: int(1, 100).default(3),
  /** Messages kept in one integration's quarantine; beyond it a poison message is only reported (ERROR event). */
  QUARANTINE_MAX_PER_INTEGRATION: int(0, 10_000_000).default(1000),
  /** Raw uplinks kept for replay through a fixed converter, days (whole days expire; 0 = off: nothing archived). */
  RAW_RETENTION_DAYS: int(0, 3650).default(7),
  /** Debug events kept per entity. */
  DEBUG_EVENTS_MAX_PER_ENTITY: int(1, 1_000_000).default(1000),
  /**
   * Debug events one tenant may have waiting in the buffer (written every 100 ms; 10,000 for all tenants):
   * beyond it the tenant's events are dropped and counted (bridgeboard_debug_events_dropped_total), so one
   * tenant's debug flood cannot push out another tenant's events.
   */
  DEBUG_EVENTS_TENANT_BUFFER: int(1, 10_000).default(2500),
  /** Debug events older than this are deleted, days. */
  DEBUG_EVENTS_TTL_DAYS: int(1, 3650).default(7),
  /** Debug mode switches itself off after this many minutes unless pinned. */
  DEBUG_MODE_AUTO_OFF_MIN: int(1, 100000).default(15),
  /** Integrations: seconds between checks that the broker still delivers (heartbeat on a private topic); 0 = off. */
  INTEGRATION_HEARTBEAT_SEC: int(0, 3600).default(30),
  /** Integrations: first reconnect delay, ms (doubles per failed attempt, with jitter). */
  INTEGRATION_RECONNECT_MIN_MS: int(10, 600000).default(1000),
  /** Integrations: longest reconnect delay, ms. */
  INTEGRATION_RECONNECT_MAX_MS: int(100, 3600000).default(60000),
  /**
   * Integrations: largest MQTT message payload the platform takes, bytes, whatever an integration's
   * maxBytesInMessage says (the smaller of the two applies). A larger message is skipped as it arrives,
   * never held in memory whole: an ERROR event, acknowledged, never retried.
   */
  INTEGRATION_MAX_MESSAGE_BYTES: int(1024, 268_435_455).default(1_048_576),
  /** Integrations: new devices one integration may create per minute (its decoder names them); 0 = no limit. */
  INTEGRATION_MAX_NEW_DEVICES_PER_MIN: int(0, 10_000_000).default(10_000),
  /**
   * Integrations: destinations an integration may not connect to, for hosted deployments: comma-separated
   * IPs, CIDR ranges or host names, each optionally with :port (IPv6 in brackets), e.g.
   * 169.254.0.0/16,127.0.0.0/8:8080,[fe80::]/10. Checked on save and on every connect (after DNS). Empty = none.
   */
  INTEGRATION_DENY_HOSTS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseDenyList(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  /** Tenants: most devices per tenant (0 = no limit). */
  TENANT_MAX_DEVICES: int(0, 100_000_000).default(100_000),
  /** Tenants: most converters per tenant (0 = no limit). */
  TENANT_MAX_CONVERTERS: int(0, 1_000_000).default(1000),
  /** Tenants: most integrations per tenant (0 = no limit). */
  TENANT_MAX_INTEGRATIONS: int(0, 1_000_000).default(1000),
  /** Tenants: most rule chains per tenant (0 = no limit). */
  TENANT_MAX_RULE_CHAINS: int(0, 1_000_000).default(1000),
  /** Tenants: most dashboards per tenant (0 = no limit). */
  TENANT_MAX_DASHBOARDS: int(0, 1_000_000).default(1000),
  /** Tenants: most device profiles per tenant (0 = no limit); a profile is made per device type, so keep it above the types in use. */
  TENANT_MAX_DEVICE_PROFILES: int(0, 1_000_000).default(1000),
  /** Telemetry: most values (telemetry key/value pairs plus attributes) one uplink message may carry (0 = no limit). */
  TELEMETRY_MAX_KEYS_PER_MESSAGE: int(0, 10_000_000).default(10_000),
  /** Telemetry: most distinct time-series keys one device may have (0 = no limit). */
  TELEMETRY_MAX_KEYS_PER_DEVICE: int(0, 10_000_000).default(10_000),
  /** Time series: size of ts_kv's time partitions (DAYS, WEEKS or MONTHS); applies to partitions created from now on. */
  TS_PARTITION: z.enum(['DAYS', 'WEEKS', 'MONTHS']).default('MONTHS'),
  /** Time series: days of history kept (0 = forever); a tenant's own value (sysadmin, tenant API: telemetryTtlDays) wins. */
  TELEMETRY_TTL_DAYS: int(0, 100_000).default(0),
  /** Time series: rows copied per statement when an installation's earlier ts_kv layouts (text keys, device uuids) are moved into the current one at start-up. */
  TS_KV_MIGRATION_BATCH: int(100, 1_000_000).default(50_000),
  /** Debug events: largest body kept per event, characters of JSON; longer fields (in, out, …) are cut to fit, with a note. */
  DEBUG_EVENT_MAX_BODY_CHARS: int(4096, 100_000_000).default(131_072),
  /** Login throttling: failed logins from one client address before its logins are refused. */
  LOGIN_MAX_FAILURES: int(1, 1000).default(10),
  /** Login throttling: failures older than this are forgotten, seconds. */
  LOGIN_FAILURE_WINDOW_SEC: int(1, 86400).default(900),
  /** Login throttling: how long an address is refused once it reached LOGIN_MAX_FAILURES, seconds. */
  LOGIN_BLOCK_SEC: int(1, 86400).default(60),
  /** Per-tenant REST rate limit, ThingsBoard notation capacity:seconds[,capacity:seconds...]; "off" disables it. */
  REST_RATE_LIMIT_TENANT: rateLimit.default('100:1,2000:60'),
  /** Largest JSON request body, KB (larger ones get 413). */
  HTTP_MAX_BODY_KB: int(1, 1_048_576).default(2048),
  /** Deepest nesting of objects and arrays in a JSON request body (deeper ones get 400 before any route sees them). */
  HTTP_MAX_JSON_DEPTH: int(2, 10_000).default(100),
  /** A client must send a request's headers within this many seconds (else 408 and the connection is closed). */
  HTTP_HEADERS_TIMEOUT_SEC: int(1, 3600).default(20),
  /** A client must send a whole request, headers and body, within this many seconds (a body trickling in is cut off with 408). */
  HTTP_REQUEST_TIMEOUT_SEC: int(1, 3600).default(30),
  /** Shortest password a user may set through the API (activation); the first-start accounts above are exempt. */
  PASSWORD_MIN_LENGTH: int(1, 128).default(8),
  /** Take the client address from X-Forwarded-For (on only behind a reverse proxy you trust; login throttling counts per address). */
  HTTP_TRUST_PROXY: bool.default(false),
  /** Bearer token that lets a scraper off this host read GET /metrics; unset = loopback only. */
  METRICS_TOKEN: z.string().min(16, 'use at least 16 random characters (it guards GET /metrics)').optional(),
  /** GET /metrics and what feeds it (Node's process series, the receive → commit histogram); off answers 404 there. */
  METRICS_ENABLED: bool.default(true),
  /** A device with no uplink for this long becomes inactive (server attribute active=false), seconds; a device's own inactivityTimeout server attribute (ms) wins. ThingsBoard's default. */
  DEVICE_INACTIVITY_TIMEOUT_SEC: int(1, 86400 * 365).default(600),
  /** Give each uplink and RPC a trace id that its debug events carry (GET /api/events/trace/{traceId}, the web app's timeline). */
  TRACE_MESSAGES: bool.default(true),
  /** Live updates: rooms one socket.io connection may subscribe to at once. */
  LIVE_MAX_SUBSCRIPTIONS: int(1, 100_000).default(500),
  /** Live updates: largest socket.io message from a client, KB. */
  LIVE_MAX_MESSAGE_KB: int(1, 102_400).default(64),
  /** Live updates: messages one socket.io connection may send, capacity:seconds[,...] as REST_RATE_LIMIT_TENANT; "off" disables it. */
  LIVE_RATE_LIMIT: rateLimit.default('200:1,3000:60'),
  /** Live updates: how often open connections check that their user still exists and is enabled, seconds. */
  LIVE_RECHECK_SEC: int(1, 86400).default(60),
  /** Cluster: this node's name among the nodes sharing DATABASE_URL (letters, digits, . _ -); empty = generated (host-pid-random). */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
  /** Cluster: how often a node writes its heartbeat and checks which integrations it runs, ms. */
  CLUSTER_HEARTBEAT_MS: int(200, 60_000).default(1000),
  /** Cluster: heartbeats a node may miss before the others count it gone and take its integrations over. */
  CLUSTER_NODE_TIMEOUT_BEATS: int(2, 100).default(5),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a wrong value throws a sentence that names the key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${key}=${JSON.stringify(env[key])} is not valid: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return parsed.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
