import { z } from 'zod';
import type { RuleMsg } from '@bridgeboard/contracts';
import { toMetadata, transformMsg } from '../../engine/msg.js';
import { defineNode, FAILURE, SUCCESS } from '../node.types.js';
import { runNodeScript } from '../script.js';

function applyResult(msg: RuleMsg, r: unknown): RuleMsg {
  if (r == null || typeof r !== 'object' || Array.isArray(r))
    throw new Error('The transform script must return an object {msg, metadata, msgType}');
  const o = r as { msg?: unknown; metadata?: unknown; msgType?: unknown };
  if (o.msgType !== undefined && (typeof o.msgType !== 'string' || !o.msgType))
    throw new Error('msgType returned by the transform script must be a non-empty string');
  return transformMsg(msg, {
    data: 'msg' in o ? (JSON.stringify(o.msg) ?? 'null') : msg.data,
    metadata: o.metadata !== undefined ? toMetadata(o.metadata) : msg.metadata,
    type: (o.msgType as string | undefined) ?? msg.type,
  });
}

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.transform.TbTransformMsgNode',
  name: 'script',
  category: 'TRANSFORMATION',
  description:
    'Changes the message with a JavaScript function body of (msg, metadata, msgType) that returns {msg, metadata, msgType} (or an array of them).',
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({
    scriptLang: z.literal('JS').default('JS'),
    jsScript: z.string().min(1, 'jsScript is required').max(65536),
  }),
  defaultConfiguration: {
    scriptLang: 'JS',
    jsScript: 'return {msg: msg, metadata: metadata, msgType: msgType};',
  },
  create: (config) => ({
    async onMsg(ctx, msg) {
      const r = await runNodeScript(ctx, config.jsScript, msg);
      const outs = (Array.isArray(r) ? r : [r]).map((x) => applyResult(msg, x));
      for (const out of outs) ctx.tellSuccess(out);
    },
  }),
});
