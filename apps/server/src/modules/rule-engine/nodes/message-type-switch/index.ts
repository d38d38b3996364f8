import { z } from 'zod';
import { defineNode, FAILURE } from '../node.types.js';

/** Message type → relation name, as ThingsBoard's Message Type Switch. */
const RELATIONS: Record<string, string> = {
  POST_ATTRIBUTES_REQUEST: 'Post attributes',
  POST_TELEMETRY_REQUEST: 'Post telemetry',
  TO_SERVER_RPC_REQUEST: 'RPC Request from Device',
  RPC_CALL_FROM_SERVER_TO_DEVICE: 'RPC Request to Device',
  ACTIVITY_EVENT: 'Activity Event',
  INACTIVITY_EVENT: 'Inactivity Event',
  CONNECT_EVENT: 'Connect Event',
  DISCONNECT_EVENT: 'Disconnect Event',
  ENTITY_CREATED: 'Entity Created',
  ENTITY_UPDATED: 'Entity Updated',
  ENTITY_DELETED: 'Entity Deleted',
  ATTRIBUTES_UPDATED: 'Attributes Updated',
  ATTRIBUTES_DELETED: 'Attributes Deleted',
  TIMESERIES_UPDATED: 'Timeseries Updated',
};
export const OTHER = 'Other';

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode',
  name: 'message type switch',
  category: 'FILTER',
  description:
    'Routes each message by its type: Post telemetry, Post attributes, RPC Request to Device, Entity Created, ... or Other.',
  version: 0,
  relationTypes: [...new Set(Object.values(RELATIONS)), OTHER, FAILURE],
  configSchema: z.object({ version: z.number().int().default(0) }),
  defaultConfiguration: { version: 0 },
  create: () => ({
    onMsg(ctx, msg) {
      ctx.tellNext(msg, RELATIONS[msg.type] ?? OTHER);
    },
  }),
});
