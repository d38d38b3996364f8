import {
  EXPORT_FORMAT,
  type Converter,
  type Dashboard,
  type ExportDocument,
  type ExportedRuleChain,
  type Integration,
  type RuleChain,
  type RuleChainMetaData,
} from '@bridgeboard/contracts';

/** Fields a document never carries: they belong to the exporting tenant or to run time. */
const SECRET_FIELDS = ['password', 'privateKey', 'privateKeyPassword'];

export const INTEGRATION_DOWNLINK_NODE = 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode';
export const RULE_CHAIN_NODE = 'org.thingsboard.rule.engine.flow.TbRuleChainInputNode';

export function emptyDocument(): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: Date.now(),
    converters: [],
    integrations: [],
    ruleChains: [],
    dashboards: [],
  };
}

export function exportConverter(c: Converter): ExportDocument['converters'][number] {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    debugMode: c.debugMode,
    configuration: c.configuration,
    additionalInfo: c.additionalInfo,
    testCases: c.testCases,
  };
}

/** The API already leaves secrets out; this drops them again so no future field slips through. */
export function exportIntegration(i: Integration): ExportDocument['integrations'][number] {
  const creds = { ...(i.configuration.clientConfiguration.credentials as Record<string, unknown>) };
  for (const f of SECRET_FIELDS) delete creds[f];
  return {
    id: i.id,
    name: i.name,
    type: i.type,
    enabled: i.enabled,
    debugMode: i.debugMode,
    defaultConverterId: i.defaultConverterId,
    downlinkConverterId: i.downlinkConverterId ?? null,
    configuration: {
      ...i.configuration,
      clientConfiguration: { ...i.configuration.clientConfiguration, credentials: creds },
    },
    additionalInfo: i.additionalInfo ?? null,
  };
}

export function exportRuleChain(chain: RuleChain, meta: RuleChainMetaData): ExportedRuleChain {
  return {
    ruleChain: {
      id: chain.id,
      name: chain.name,
      root: chain.root,
      debugMode: chain.debugMode,
      configuration: chain.configuration,
      additionalInfo: chain.additionalInfo,
    },
    metadata: {
      firstNodeIndex: meta.firstNodeIndex,
      nodes: meta.nodes.map((n) => ({
        type: n.type,
        name: n.name,
        debugMode: false,
        configuration: n.configuration,
        additionalInfo: n.additionalInfo,
      })),
      connections: meta.connections,
    },
  };
}

/** Integrations the chain's Integration Downlink nodes send through. */
export function integrationsUsedBy(meta: { nodes: { type: string; configuration?: unknown }[] }): string[] {
  const ids = meta.nodes
    .filter((n) => n.type === INTEGRATION_DOWNLINK_NODE)
    .map((n) => (n.configuration as { integrationId?: unknown } | undefined)?.integrationId)
    .filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)];
}

/** Each device alias also names its device, so an import can find the device of that name. */
export function exportDashboard(
  d: Dashboard,
  deviceNames: ReadonlyMap<string, string>,
): ExportDocument['dashboards'][number] {
  const entityAliases: Record<string, unknown> = {};
  for (const [key, a] of Object.entries(d.configuration.entityAliases)) {
    const f = a.filter as typeof a.filter & { entityName?: string };
    const name =
      f.singleEntity.entityType === 'DEVICE'
        ? (deviceNames.get(f.singleEntity.id) ?? f.entityName)
        : undefined;
    entityAliases[key] = name ? { ...a, filter: { ...f, entityName: name } } : a;
  }
  return { id: d.id, title: d.title, configuration: { ...d.configuration, entityAliases } };
}
