import type { RuleNodeDefinition, RuleNodeRuntime } from '../nodes/node.types.js';
import { debugModeEnd } from '../../events/debug-mode.js';

/** A rule chain as stored, what the engine loads (ChainSource is implemented by the repository). */
export interface ChainDefinition {
  id: string;
  tenantId: string;
  name: string;
  firstNodeId: string | null;
  nodes: {
    id: string;
    type: string;
    name: string;
    debugMode: boolean;
    debugSince: number | null;
    debugPinned: boolean;
    configuration: Record<string, unknown>;
  }[];
  connections: { fromId: string; toId: string; type: string }[];
}

export interface ChainSource {
  rootChainId(tenantId: string): Promise<string | null>;
  loadChain(tenantId: string, chainId: string): Promise<ChainDefinition | null>;
}

export interface CompiledNode {
  id: string;
  name: string;
  chainId: string;
  tenantId: string;
  runtime: RuleNodeRuntime;
  next: Map<string, CompiledNode[]>;
  /** Debug events are recorded until this time (Infinity when pinned, 0 when off). */
  debugUntil: number;
}

export interface CompiledChain {
  id: string;
  tenantId: string;
  name: string;
  first: CompiledNode | null;
  nodes: CompiledNode[];
}

/** A node whose configuration cannot be used: every message fails with the reason. */
const broken = (reason: string): RuleNodeRuntime => ({
  onMsg: () => {
    throw new Error(reason);
  },
});

export function compileChain(
  def: ChainDefinition,
  registry: ReadonlyMap<string, RuleNodeDefinition>,
  autoOffMin: number,
): CompiledChain {
  const byId = new Map<string, CompiledNode>();
  for (const n of def.nodes) {
    const nodeDef = registry.get(n.type);
    let runtime: RuleNodeRuntime;
    if (!nodeDef) runtime = broken(`Rule node type '${n.type}' is not known to this platform`);
    else {
      const parsed = nodeDef.configSchema.safeParse(n.configuration);
      runtime = parsed.success
        ? nodeDef.create(parsed.data, { id: n.id, tenantId: def.tenantId })
        : broken(
            `Configuration of rule node '${n.name}' is invalid: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
          );
    }
    const debugUntil = debugModeEnd(
      { debugMode: n.debugMode, since: n.debugSince, pinned: n.debugPinned },
      autoOffMin,
    );
    byId.set(n.id, {
      id: n.id,
      name: n.name,
      chainId: def.id,
      tenantId: def.tenantId,
      runtime,
      next: new Map(),
      debugUntil,
    });
  }
  for (const c of def.connections) {
    const from = byId.get(c.fromId);
    const to = byId.get(c.toId);
    if (!from || !to) continue;
    const list = from.next.get(c.type) ?? [];
    list.push(to);
    from.next.set(c.type, list);
  }
  return {
    id: def.id,
    tenantId: def.tenantId,
    name: def.name,
    first: def.firstNodeId ? (byId.get(def.firstNodeId) ?? null) : null,
    nodes: [...byId.values()],
  };
}
