import { msgTypes, type Device, type RuleMsg } from '@bridgeboard/contracts';
import { newMsg } from './engine/msg.js';
import type { TsValues } from './engine/ports.js';
import type { RuleEngine, WriteError } from './engine/rule-engine.js';
import { AppError, ErrorCode } from '../../common/errors.js';

/** One decoded uplink result with its device (IntegrationRuntime's UplinkMessage). */
export interface UplinkMessageLike {
  tenantId: string;
  integrationId: string;
  integrationName: string;
  device: Device;
  deviceCreated: boolean;
  attributes?: Record<string, unknown>;
  telemetry?: TsValues[];
  metadata: Record<string, string>;
  traceId?: string;
}

/** The rule-engine messages of one uplink result, in ThingsBoard's order: created, attributes, telemetry. */
export function uplinkToMsgs(u: UplinkMessageLike, out: RuleMsg[] = []): RuleMsg[] {
  const originator = { entityType: 'DEVICE' as const, id: u.device.id.id };
  // One metadata object shared by the uplink's messages (messages are never changed in place);
  // the integration's own metadata already names the integration and device: used as it is then.
  let metadata = u.metadata;
  if (
    metadata.integrationName !== u.integrationName ||
    metadata.deviceName !== u.device.name ||
    metadata.deviceType !== u.device.type
  ) {
    metadata = Object.assign({}, u.metadata);
    metadata.integrationName = u.integrationName;
    metadata.deviceName = u.device.name;
    metadata.deviceType = u.device.type;
  }
  const now = Date.now();
  if (u.deviceCreated) out.push(newMsg(msgTypes.ENTITY_CREATED, originator, u.device, metadata, now, u.traceId));
  if (u.attributes && Object.keys(u.attributes).length)
    out.push(newMsg(msgTypes.POST_ATTRIBUTES_REQUEST, originator, u.attributes, metadata, now, u.traceId));
  if (u.telemetry?.length)
    out.push(newMsg(msgTypes.POST_TELEMETRY_REQUEST, originator, u.telemetry, metadata, u.telemetry[0]!.ts, u.traceId));
  return out;
}

/** The write error rebuilt so the integration can tell bad data (AppError, SQLSTATE 22/23/42) from an outage. */
function asError(e: WriteError): Error {
  if (e.status) return new AppError(e.status, ErrorCode.INVALID_ARGUMENTS, e.message);
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

/**
 * IntegrationRuntime's uplink sink: each batch enters the tenant's Root Rule Chain together, so
 * its Save nodes commit in one saveBatch; resolves only once that is committed, and rejects
 * when it was not (so the integration does not acknowledge data that was not stored).
 */
export class RuleChainUplinkSink {
  constructor(private readonly engine: RuleEngine) {}

  async handle(batch: UplinkMessageLike[]): Promise<void> {
    const byTenant = new Map<string, RuleMsg[]>();
    for (const u of batch) {
      let list = byTenant.get(u.tenantId);
      if (!list) byTenant.set(u.tenantId, (list = []));
      uplinkToMsgs(u, list);
    }
    const runs = await Promise.all(
      [...byTenant].map(([tenantId, msgs]) => this.engine.tellBatch(tenantId, msgs)),
    );
    const error = runs.flatMap((r) => r.writeErrors)[0];
    if (error) throw asError(error);
  }
}
