import { z } from 'zod';
import { parseData } from '../../engine/msg.js';
import { defineNode, FAILURE, SUCCESS } from '../node.types.js';

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.telemetry.TbMsgAttributesNode',
  name: 'save attributes',
  category: 'ACTION',
  description:
    "Stores the message's attributes (POST_ATTRIBUTES_REQUEST) in the configured scope of its device.",
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({
    scope: z.enum(['SERVER_SCOPE', 'SHARED_SCOPE', 'CLIENT_SCOPE']).default('SERVER_SCOPE'),
    notifyDevice: z.boolean().default(false),
  }),
  defaultConfiguration: { scope: 'SERVER_SCOPE', notifyDevice: false },
  create: (config) => ({
    onMsg(ctx, msg) {
      if (msg.type !== 'POST_ATTRIBUTES_REQUEST')
        throw new Error(`Save Attributes accepts POST_ATTRIBUTES_REQUEST messages, not ${msg.type}`);
      if (msg.originator.entityType !== 'DEVICE')
        throw new Error(
          `Save Attributes stores device data; the originator is a ${msg.originator.entityType}`,
        );
      const values = parseData(msg);
      if (values == null || typeof values !== 'object' || Array.isArray(values))
        throw new Error('Attributes must be an object {key: value}');
      const attrs = values as Record<string, unknown>;
      if (!Object.keys(attrs).length) return ctx.tellSuccess(msg);
      // Server-scope attributes join the batch's commit; Success is told after it.
      if (config.scope === 'SERVER_SCOPE')
        return ctx.saveDeviceDataThenSuccess(
          { tenantId: ctx.tenantId, deviceId: msg.originator.id, attributes: attrs },
          msg,
        );
      return ctx.saveAttributes(msg.originator.id, config.scope, attrs).then(() => ctx.tellSuccess(msg));
    },
  }),
});
