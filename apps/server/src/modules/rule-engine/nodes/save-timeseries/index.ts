import { z } from 'zod';
import type { RuleMsg } from '@bridgeboard/contracts';
import { parseData } from '../../engine/msg.js';
import type { TsValues } from '../../engine/ports.js';
import { defineNode, FAILURE, SUCCESS } from '../node.types.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v != null && typeof v === 'object' && !Array.isArray(v);

const hasKeys = (o: object): boolean => {
  for (const _ in o) return true;
  return false;
};

/** An array of {ts, values} with numeric ts and non-empty values (what uplinks carry): usable as it is. */
const isTsValuesList = (data: unknown): data is TsValues[] =>
  Array.isArray(data) &&
  data.every(
    (e: unknown) =>
      isObject(e) &&
      typeof e.ts === 'number' &&
      Number.isFinite(e.ts) &&
      isObject(e.values) &&
      hasKeys(e.values),
  );

/** ThingsBoard's telemetry formats: {k: v}, {ts, values: {k: v}}, or an array of either. */
export function toTimeseries(msg: RuleMsg): TsValues[] {
  const data = parseData(msg);
  // The uplink path's shape, shared read-only with the message (nothing changes saved items in place).
  if (isTsValuesList(data)) return data;
  const fallbackTs = Number(msg.metadata.ts) || msg.ts;
  const one = (e: unknown): TsValues => {
    if (!isObject(e))
      throw new Error('Telemetry must be an object {key: value}, {ts, values} or an array of them');
    if ('ts' in e && 'values' in e) {
      const ts = Number(e.ts);
      if (!Number.isFinite(ts) || !isObject(e.values))
        throw new Error('Telemetry entry {ts, values} needs a numeric ts and an object values');
      return { ts, values: e.values };
    }
    return { ts: fallbackTs, values: e };
  };
  return (Array.isArray(data) ? data.map(one) : [one(data)]).filter((t) => Object.keys(t.values).length > 0);
}

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.telemetry.TbMsgTimeseriesNode',
  name: 'save timeseries',
  category: 'ACTION',
  description:
    "Stores the message's telemetry (POST_TELEMETRY_REQUEST) for its device; saves of one batch share one commit.",
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({ defaultTTL: z.number().int().min(0).default(0) }),
  defaultConfiguration: { defaultTTL: 0 },
  create: () => ({
    onMsg(ctx, msg) {
      if (msg.type !== 'POST_TELEMETRY_REQUEST')
        throw new Error(`Save Timeseries accepts POST_TELEMETRY_REQUEST messages, not ${msg.type}`);
      if (msg.originator.entityType !== 'DEVICE')
        throw new Error(
          `Save Timeseries stores device data; the originator is a ${msg.originator.entityType}`,
        );
      const telemetry = toTimeseries(msg);
      // Success is told after the batch's commit (Failure with the error if it failed).
      if (telemetry.length)
        ctx.saveDeviceDataThenSuccess(
          { tenantId: ctx.tenantId, deviceId: msg.originator.id, telemetry },
          msg,
        );
      else ctx.tellSuccess(msg);
    },
  }),
});
