import { z } from 'zod';
import { defineNode, FAILURE, SUCCESS } from '../node.types.js';
import { runNodeScript } from '../script.js';

export const DEFAULT_LOG_SCRIPT =
  "return '\\nIncoming message:\\n' + JSON.stringify(msg) + '\\nIncoming metadata:\\n' + JSON.stringify(metadata);";

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.action.TbLogNode',
  name: 'log',
  category: 'ACTION',
  description:
    'Writes a line to the server log, built by a JavaScript function body of (msg, metadata, msgType) run in the sandbox.',
  version: 0,
  relationTypes: [SUCCESS, FAILURE],
  configSchema: z.object({
    scriptLang: z.literal('JS').default('JS'),
    jsScript: z.string().min(1, 'jsScript is required').max(65536),
  }),
  defaultConfiguration: { scriptLang: 'JS', jsScript: DEFAULT_LOG_SCRIPT },
  create: (config) => ({
    async onMsg(ctx, msg) {
      const v = await runNodeScript(ctx, config.jsScript, msg);
      ctx.log(typeof v === 'string' ? v : JSON.stringify(v));
      ctx.tellSuccess(msg);
    },
  }),
});
