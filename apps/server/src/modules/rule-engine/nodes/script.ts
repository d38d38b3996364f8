import type { RuleMsg } from '@bridgeboard/contracts';
import { parseData } from '../engine/msg.js';
import type { NodeContext } from './node.types.js';

export const SCRIPT_ARGS = ['msg', 'metadata', 'msgType'];

/** Runs a node's script (ThingsBoard's function body of msg, metadata, msgType) in the sandbox. */
export async function runNodeScript(ctx: NodeContext, script: string, msg: RuleMsg): Promise<unknown> {
  const [r] = await ctx.scripts.run(ctx.tenantId, `rulenode:${ctx.self.id}`, script, SCRIPT_ARGS, [
    [parseData(msg), msg.metadata, msg.type],
  ]);
  if (!r) throw new Error('The sandbox returned no result');
  if (!r.ok) throw new Error(`Script error: ${r.error}`);
  return r.value;
}
