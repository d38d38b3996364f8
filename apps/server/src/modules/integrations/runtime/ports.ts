import type { Device, IntegrationStatus } from '@bridgeboard/contracts';

/** What the runtime needs from the converters module (interfaces.md: ConverterRuntime / ConverterService). */
export interface UplinkInput {
  payload: Uint8Array;
  metadata: Record<string, string>;
  /** when the message arrived, ms (a replay decodes past messages: their telemetry without ts lands there) */
  receivedAt?: number;
  traceId?: string;
}
export interface DecodedUplink {
  deviceName: string;
  deviceType: string;
  attributes?: Record<string, unknown>;
  telemetry?: { ts: number; values: Record<string, unknown> }[];
  rpcResponse?: { requestId?: string | number; data: unknown };
  /** stored, but probably not what the device meant (e.g. a timestamp in seconds): reported as ERROR events */
  warnings?: string[];
}
export type UplinkOutcome = (
  | { ok: true; results: DecodedUplink[] }
  /** code: the sandbox's RunErrorCode (MEMORY, CRASHED, SUSPENDED, SANDBOX...) when the script did not give a result, INVALID_OUTPUT when its result was refused */
  | { ok: false; error: string; code?: string }
) & {
  /** the converter version that decoded the message (kept with it in the raw archive) */
  version?: number;
};

export interface ConverterPort {
  runUplink(tenantId: string, converterId: string, inputs: UplinkInput[]): Promise<UplinkOutcome[]>;
  /** null when the converter does not exist in the tenant */
  find(tenantId: string, converterId: string): Promise<{ name: string; type: 'UPLINK' | 'DOWNLINK' } | null>;
}
export const CONVERTER_PORT = Symbol('CONVERTER_PORT');

/** One decoded result, device resolved (interfaces.md). */
export interface UplinkMessage {
  tenantId: string;
  integrationId: string;
  integrationName: string;
  device: Device;
  deviceCreated: boolean;
  attributes?: Record<string, unknown>;
  telemetry?: { ts: number; values: Record<string, unknown> }[];
  /** message metadata incl. topic, integrationName */
  metadata: Record<string, string>;
  /** the uplink's trace id (every rule message and debug event of it carries it) */
  traceId?: string;
}
/** Where decoded uplinks go; resolves only after the data is committed. */
export interface UplinkSink {
  handle(batch: UplinkMessage[]): Promise<void>;
}
/** The `rpcResponse` a decoder returned: the answer to a two-way RPC call. */
export interface RpcReply {
  requestId?: string | number;
  data: unknown;
}
/** `traceId`: the reply uplink's own trace (the RPC's trace links to it). The port is RPC_RESPONSE_HANDLER (common/ports.ts). */
export type RpcReplyHandler = (tenantId: string, deviceId: string, r: RpcReply, traceId?: string) => void;

/**
 * Integrations that run on another node of the cluster (the cluster module provides it): their status
 * as that node reports it, and publishing through that node. Both give null when no other node runs it.
 */
export interface IntegrationElsewhere {
  status(integrationId: string): IntegrationStatus | null;
  publish(tenantId: string, integrationId: string, topic: string, payload: Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean; traceId?: string }): Promise<void> | null;
}
export const INTEGRATION_ELSEWHERE = Symbol('INTEGRATION_ELSEWHERE');
