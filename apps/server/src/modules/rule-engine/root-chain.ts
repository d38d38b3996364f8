import type { SaveRuleChainMetaDataRequest } from '@bridgeboard/contracts';
import { definition as log } from './nodes/log/index.js';
import { definition as messageTypeSwitch } from './nodes/message-type-switch/index.js';
import { definition as saveAttributes } from './nodes/save-attributes/index.js';
import { definition as saveTimeseries } from './nodes/save-timeseries/index.js';

export const ROOT_CHAIN_NAME = 'Root Rule Chain';

/** What every tenant starts with (contracts.md): the switch feeding the two Save nodes and Log. */
export function rootChainMetadata(ruleChainId: string): SaveRuleChainMetaDataRequest {
  const node = (
    type: string,
    name: string,
    configuration: Record<string, unknown>,
    layoutX: number,
    layoutY: number,
  ) => ({
    type,
    name,
    debugMode: false,
    debugPinned: false,
    configuration,
    additionalInfo: { layoutX, layoutY },
  });
  return {
    ruleChainId: { entityType: 'RULE_CHAIN', id: ruleChainId },
    firstNodeIndex: 0,
    nodes: [
      node(
        messageTypeSwitch.type,
        'Message Type Switch',
        { ...messageTypeSwitch.defaultConfiguration },
        300,
        150,
      ),
      node(saveTimeseries.type, 'Save Timeseries', { ...saveTimeseries.defaultConfiguration }, 650, 50),
      node(saveAttributes.type, 'Save Attributes', { ...saveAttributes.defaultConfiguration }, 650, 150),
      node(log.type, 'Log Other', { ...log.defaultConfiguration }, 650, 250),
    ],
    connections: [
      { fromIndex: 0, toIndex: 1, type: 'Post telemetry' },
      { fromIndex: 0, toIndex: 2, type: 'Post attributes' },
      { fromIndex: 0, toIndex: 3, type: 'Other' },
    ],
  };
}
