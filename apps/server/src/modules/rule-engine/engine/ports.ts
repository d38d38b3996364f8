/**
 * What the rule engine needs from the rest of the platform, as narrow interfaces, so the
 * engine and its nodes are tested with fakes. rule-engine.module.ts binds them to the
 * telemetry, integration and converter modules (shapes from docs: interfaces.md).
 */

export interface TsValues {
  ts: number;
  values: Record<string, unknown>;
}

/** One device's data from one message (TelemetryService.saveBatch's item). */
export interface DeviceData {
  tenantId: string;
  deviceId: string;
  attributes?: Record<string, unknown>;
  telemetry?: TsValues[];
  /** the traces of the messages whose data this is, only those somebody debugs (their live push is recorded) */
  traceIds?: string[];
}

export type AttributeScope = 'SERVER_SCOPE' | 'SHARED_SCOPE' | 'CLIENT_SCOPE';

export interface TelemetryPort {
  saveBatch(items: DeviceData[]): Promise<void>;
  saveAttributes(
    tenantId: string,
    deviceId: string,
    scope: AttributeScope,
    values: Record<string, unknown>,
  ): Promise<void>;
}

export interface DownlinkIntegration {
  id: { id: string };
  name: string;
  downlinkConverterId?: { id: string } | null;
  configuration: { downlinkTopicPattern?: string; metadata?: Record<string, string> } & Record<
    string,
    unknown
  >;
}

export interface DownlinkResult {
  contentType: 'JSON' | 'TEXT' | 'BINARY';
  data: string;
  metadata: Record<string, string>;
}
export type DownlinkOutcome = { ok: true; result: DownlinkResult } | { ok: false; error: string };

export interface DownlinkPort {
  getIntegration(tenantId: string, integrationId: string): Promise<DownlinkIntegration>;
  runDownlink(
    tenantId: string,
    converterId: string,
    input: {
      msg: unknown;
      metadata: Record<string, string>;
      msgType: string;
      integrationMetadata: Record<string, string>;
      traceId?: string;
    },
  ): Promise<DownlinkOutcome>;
  /** Rejects with an AppError 409 when the integration is not connected. */
  publish(
    tenantId: string,
    integrationId: string,
    topic: string,
    payload: Buffer,
    opts?: { qos?: 0 | 1 | 2; traceId?: string },
  ): Promise<void>;
}

export type ScriptResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Runs user JavaScript (a function body) in the sandbox; results are index-aligned with `calls`. */
export interface ScriptPort {
  run(
    tenantId: string,
    scriptId: string,
    body: string,
    argNames: string[],
    calls: unknown[][],
  ): Promise<ScriptResult[]>;
}

export interface DebugPort {
  record(
    tenantId: string,
    entityType: 'RULE_NODE',
    entityId: string,
    type: string,
    body: Record<string, unknown>,
    traceId?: string,
  ): void;
  /** Whether a debug event of this trace was recorded lately (absent: never). */
  traced?(traceId: string): boolean;
}

export interface EnginePorts {
  telemetry: TelemetryPort;
  downlink: DownlinkPort;
  scripts: ScriptPort;
  debug: DebugPort;
  /** Minutes after which a node's debug mode switches itself off unless pinned. */
  debugAutoOffMin: number;
  now?: () => number;
}
