import { describe, expect, it } from 'vitest';
import type { RuleChainMetaData } from '@bridgeboard/contracts';
import { fromMetadata, removeNodes, setLink, toMetadata } from './model';

const CHAIN = '0b4e28ba-2fa1-41d2-883f-0016d3cca427';
const node = (id: string, type: string, name: string, x: number) => ({
  id: { entityType: 'RULE_NODE' as const, id },
  createdTime: 1,
  ruleChainId: { entityType: 'RULE_CHAIN' as const, id: CHAIN },
  type,
  name,
  debugMode: false,
  debugPinned: false,
  debugModeUntil: null,
  configuration: {},
  additionalInfo: { layoutX: x, layoutY: 100 },
});
const root: RuleChainMetaData = {
  ruleChainId: { entityType: 'RULE_CHAIN', id: CHAIN },
  firstNodeIndex: 0,
  nodes: [
    node('s', 'Switch', 'Message Type Switch', 300),
    node('t', 'SaveTs', 'Save Timeseries', 600),
    node('l', 'Log', 'Log Other', 600),
  ],
  connections: [
    { fromIndex: 0, toIndex: 1, type: 'Post telemetry' },
    { fromIndex: 0, toIndex: 2, type: 'Other' },
    { fromIndex: 0, toIndex: 2, type: 'Entity Created' },
  ],
  ruleChainConnections: [],
  version: 1,
};

describe('rule chain editor model', () => {
  it('groups relations between the same two nodes into one connection and writes them back as contracts.md', () => {
    const doc = fromMetadata(root);
    expect(doc.links).toEqual([
      { from: 's', to: 't', relations: ['Post telemetry'] },
      { from: 's', to: 'l', relations: ['Other', 'Entity Created'] },
    ]);
    const out = toMetadata(doc, CHAIN);
    expect(out.firstNodeIndex).toBe(0);
    expect(out.connections).toEqual(root.connections);
    expect(out.nodes[1]).toMatchObject({
      id: { entityType: 'RULE_NODE', id: 't' },
      name: 'Save Timeseries',
      additionalInfo: { layoutX: 600, layoutY: 100 },
    });
  });

  it("adds the guide's Integration Downlink connected with RPC Request to Device, indexes following the node list", () => {
    let doc = fromMetadata(root);
    doc = {
      ...doc,
      nodes: [
        ...doc.nodes,
        {
          key: 'new',
          type: 'Downlink',
          name: 'MQTT Integration Downlink',
          debugMode: false,
          debugPinned: false,
          configuration: { integrationId: 'i' },
          x: 600,
          y: 300,
        },
      ],
    };
    doc = setLink(doc, 's', 'new', ['RPC Request to Device']);
    const out = toMetadata(doc, CHAIN);
    expect(out.nodes[3]).toMatchObject({
      name: 'MQTT Integration Downlink',
      configuration: { integrationId: 'i' },
    });
    expect(out.nodes[3]!.id).toBeUndefined();
    expect(out.connections).toContainEqual({ fromIndex: 0, toIndex: 3, type: 'RPC Request to Device' });
  });

  it('removing a node drops its connections and, for the first node, the chain start', () => {
    const doc = removeNodes(fromMetadata(root), new Set(['s']));
    const out = toMetadata(doc, CHAIN);
    expect(out.nodes.map((n) => n.name)).toEqual(['Save Timeseries', 'Log Other']);
    expect(out.connections).toEqual([]);
    expect(out.firstNodeIndex).toBeNull();
  });
});
