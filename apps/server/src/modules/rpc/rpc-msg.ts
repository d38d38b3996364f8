import { msgTypes, type Device, type RuleMsg } from '@bridgeboard/contracts';
import { newMsg } from '../rule-engine/engine/msg.js';

/** The params as JSON text, as ThingsBoard sends them (32 → "32", "abc" → "\"abc\""); what the guide's encoder expects. */
export const paramsText = (params: unknown): string => JSON.stringify(params === undefined ? null : params);

export interface RpcMsgInput {
  device: Device;
  method: string;
  params: string;
  requestUUID: string;
  requestId: number;
  oneway: boolean;
  persistent: boolean;
  expirationTime: number;
  /** the call's trace (its requestUUID) when traces are on */
  traceId?: string;
}

/** RPC_CALL_FROM_SERVER_TO_DEVICE with data {method, params} and ThingsBoard's metadata. */
export function rpcMsg(r: RpcMsgInput): RuleMsg {
  return newMsg(
    msgTypes.RPC_CALL_FROM_SERVER_TO_DEVICE,
    { entityType: 'DEVICE', id: r.device.id.id },
    { method: r.method, params: r.params },
    {
      requestUUID: r.requestUUID,
      requestId: String(r.requestId),
      oneway: String(r.oneway),
      persistent: String(r.persistent),
      expirationTime: String(r.expirationTime),
      deviceName: r.device.name,
      deviceType: r.device.type,
    },
    Date.now(),
    r.traceId,
  );
}
