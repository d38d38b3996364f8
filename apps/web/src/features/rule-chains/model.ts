import type {
  RuleNodeTypeInfo,
  RuleChainMetaData,
  SaveRuleChainMetaDataRequest,
} from '@bridgeboard/contracts';

/** The editor's document: what the user edits, undoes and saves. Keys are local; ids come from the server. */
export interface EditorNode {
  key: string;
  id?: string;
  type: string;
  name: string;
  debugMode: boolean;
  debugPinned: boolean;
  /** when the server switches debug mode off by itself (read only; null when off or pinned) */
  debugModeUntil?: number | null;
  configuration: Record<string, unknown>;
  x: number;
  y: number;
}
/** All relations from one node to another, drawn as one labelled connection. */
export interface EditorLink {
  from: string;
  to: string;
  relations: string[];
}
export interface EditorDoc {
  nodes: EditorNode[];
  links: EditorLink[];
  firstKey: string | null;
}

let seq = 0;
export const newKey = () => `n${Date.now().toString(36)}${(seq++).toString(36)}`;

export function fromMetadata(m: RuleChainMetaData): EditorDoc {
  const nodes: EditorNode[] = m.nodes.map((n, i) => ({
    key: n.id?.id ?? `i${i}`,
    id: n.id?.id,
    type: n.type,
    name: n.name,
    debugMode: n.debugMode,
    debugPinned: !!n.debugPinned,
    debugModeUntil: n.debugModeUntil ?? null,
    configuration: n.configuration ?? {},
    x: Number(n.additionalInfo?.layoutX ?? 300 + (i % 4) * 220),
    y: Number(n.additionalInfo?.layoutY ?? 100 + Math.floor(i / 4) * 120),
  }));
  const links: EditorLink[] = [];
  for (const c of m.connections ?? []) {
    const from = nodes[c.fromIndex]?.key;
    const to = nodes[c.toIndex]?.key;
    if (!from || !to) continue;
    const l = links.find((x) => x.from === from && x.to === to);
    if (l) l.relations.push(c.type);
    else links.push({ from, to, relations: [c.type] });
  }
  const first =
    m.firstNodeIndex !== null && m.firstNodeIndex >= 0 ? (nodes[m.firstNodeIndex]?.key ?? null) : null;
  return { nodes, links, firstKey: first };
}

export function toMetadata(d: EditorDoc, ruleChainId: string): SaveRuleChainMetaDataRequest {
  const index = new Map(d.nodes.map((n, i) => [n.key, i]));
  return {
    ruleChainId: { entityType: 'RULE_CHAIN', id: ruleChainId },
    firstNodeIndex: d.firstKey !== null && index.has(d.firstKey) ? index.get(d.firstKey)! : null,
    nodes: d.nodes.map((n) => ({
      ...(n.id ? { id: { entityType: 'RULE_NODE' as const, id: n.id } } : {}),
      type: n.type,
      name: n.name,
      debugMode: n.debugMode,
      debugPinned: n.debugPinned,
      configuration: n.configuration,
      additionalInfo: { layoutX: Math.round(n.x), layoutY: Math.round(n.y) },
    })),
    connections: d.links.flatMap((l) =>
      index.has(l.from) && index.has(l.to)
        ? l.relations.map((type) => ({ fromIndex: index.get(l.from)!, toIndex: index.get(l.to)!, type }))
        : [],
    ),
  };
}

/** Sets the relations between two nodes; none removes the connection. */
export function setLink(d: EditorDoc, from: string, to: string, relations: string[]): EditorDoc {
  const rest = d.links.filter((l) => !(l.from === from && l.to === to));
  return {
    ...d,
    links: relations.length ? [...rest, { from, to, relations: [...new Set(relations)] }] : rest,
  };
}

export function removeNodes(d: EditorDoc, keys: Set<string>): EditorDoc {
  return {
    nodes: d.nodes.filter((n) => !keys.has(n.key)),
    links: d.links.filter((l) => !keys.has(l.from) && !keys.has(l.to)),
    firstKey: d.firstKey && keys.has(d.firstKey) ? null : d.firstKey,
  };
}

export const updateNode = (d: EditorDoc, key: string, patch: Partial<EditorNode>): EditorDoc => ({
  ...d,
  nodes: d.nodes.map((n) => (n.key === key ? { ...n, ...patch } : n)),
});

export type Components = Map<string, RuleNodeTypeInfo>;
