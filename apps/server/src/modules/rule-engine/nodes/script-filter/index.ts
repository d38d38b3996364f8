import { z } from 'zod';
import { defineNode, FAILURE } from '../node.types.js';
import { runNodeScript } from '../script.js';

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.filter.TbJsFilterNode',
  name: 'script',
  category: 'FILTER',
  description:
    'Runs a JavaScript function body of (msg, metadata, msgType) in the sandbox; routes True or False by its boolean result.',
  version: 0,
  relationTypes: ['True', 'False', FAILURE],
  configSchema: z.object({
    scriptLang: z.literal('JS').default('JS'),
    jsScript: z.string().min(1, 'jsScript is required').max(65536),
  }),
  defaultConfiguration: { scriptLang: 'JS', jsScript: 'return msg.temperature > 20;' },
  create: (config) => ({
    async onMsg(ctx, msg) {
      const v = await runNodeScript(ctx, config.jsScript, msg);
      if (typeof v !== 'boolean')
        throw new Error(
          `The filter script must return true or false, but returned ${JSON.stringify(v) ?? typeof v}`,
        );
      ctx.tellNext(msg, v ? 'True' : 'False');
    },
  }),
});
