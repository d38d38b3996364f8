import { z } from 'zod';
import { defineNode, FAILURE } from '../node.types.js';

export const definition = defineNode({
  type: 'org.thingsboard.rule.engine.flow.TbRuleChainInputNode',
  name: 'rule chain',
  category: 'FLOW',
  description: 'Hands the message to the first node of another rule chain of the tenant.',
  version: 0,
  relationTypes: [FAILURE],
  configSchema: z.object({ ruleChainId: z.string().uuid('ruleChainId must be the id of a rule chain') }),
  defaultConfiguration: { ruleChainId: '' },
  create: (config) => ({
    onMsg(ctx, msg) {
      if (config.ruleChainId === ctx.self.ruleChainId)
        throw new Error('A Rule Chain node cannot hand messages to its own rule chain');
      ctx.toRuleChain(config.ruleChainId, msg);
    },
  }),
});
