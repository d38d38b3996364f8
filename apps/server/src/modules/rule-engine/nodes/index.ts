// Every rule node type, one line each (a test fails when a folder here is not listed).
import type { RuleNodeDefinition } from './node.types.js';
import { definition as integrationDownlink } from './integration-downlink/index.js';
import { definition as log } from './log/index.js';
import { definition as messageTypeSwitch } from './message-type-switch/index.js';
import { definition as ruleChain } from './rule-chain/index.js';
import { definition as saveAttributes } from './save-attributes/index.js';
import { definition as saveTimeseries } from './save-timeseries/index.js';
import { definition as scriptFilter } from './script-filter/index.js';
import { definition as scriptTransform } from './script-transform/index.js';

export const nodeDefinitions: readonly RuleNodeDefinition[] = [
  messageTypeSwitch,
  saveTimeseries,
  saveAttributes,
  integrationDownlink,
  scriptFilter,
  scriptTransform,
  log,
  ruleChain,
] as RuleNodeDefinition[];

export const nodeRegistry: ReadonlyMap<string, RuleNodeDefinition> = new Map(
  nodeDefinitions.map((d) => [d.type, d]),
);
