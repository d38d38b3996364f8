import { plainKind, ScriptCompileError, type Sandbox } from '@bridgeboard/sandbox';
import { z } from 'zod';
import { SCRIPT_ARGS } from './nodes/script.js';

/** ThingsBoard's POST /api/ruleChain/testScript body. */
export const testScriptSchema = z.object({
  script: z.string().min(1, 'script is required'),
  scriptType: z.enum(['filter', 'update', 'string', 'json']).default('json'),
  argNames: z.array(z.string()).optional(),
  msg: z.string().default('{}'),
  metadata: z.record(z.string(), z.string()).default({}),
  msgType: z.string().min(1).default('POST_TELEMETRY_REQUEST'),
});
export type TestScriptRequest = z.infer<typeof testScriptSchema>;

/** What each kind of node script must return, as the nodes themselves check it. */
function checkResult(type: TestScriptRequest['scriptType'], v: unknown): string {
  if (type === 'filter' && typeof v !== 'boolean') return 'A filter script must return true or false';
  if (type === 'string' && typeof v !== 'string') return 'This script must return a string';
  if (type === 'update') {
    const items = Array.isArray(v) ? v : [v];
    if (!items.length || items.some((o) => typeof o !== 'object' || o === null || Array.isArray(o)))
      return 'The transform script must return an object {msg, metadata, msgType} (or an array of them)';
  }
  return '';
}

/** Runs a rule node's script once on a sample message, in a throwaway sandbox isolate. */
export async function testNodeScript(
  sandbox: Sandbox,
  tenantId: string,
  req: TestScriptRequest,
): Promise<{ output: string; error: string; consoleLines: string[] }> {
  let msg: unknown;
  try {
    msg = JSON.parse(req.msg);
  } catch (e) {
    return { output: '', error: `msg is not valid JSON: ${(e as Error).message}`, consoleLines: [] };
  }
  try {
    const { results, consoleLines } = await sandbox.runOnce(plainKind(SCRIPT_ARGS, 'rule node'), req.script, [
      [msg, req.metadata, req.msgType],
    ], { tenant: tenantId });
    const r = results[0]!;
    if (!r.ok) return { output: '', error: r.error, consoleLines };
    return { output: JSON.stringify(r.value) ?? '', error: checkResult(req.scriptType, r.value), consoleLines };
  } catch (e) {
    if (e instanceof ScriptCompileError) return { output: '', error: e.message, consoleLines: [] };
    throw e;
  }
}
