// Every migration, in order. Add a new one at the end (one file each, never edit a landed one).
import { Init1764200000000 } from './1764200000000-init.js';
import { DebugEvents1764200001000 } from './1764200001000-debug-events.js';
import { Dashboards1764600000000 } from './1764600000000-dashboards.js';
import { TelemetryIntegrations1764400000000 } from './1764400000000-telemetry-integrations.js';
import { RuleChainsRpc1764500000000 } from './1764500000000-rule-chains-rpc.js';
import { Converters1764300000000 } from './1764300000000-converters.js';
import { Quarantine1765000000000 } from './1765000000000-quarantine.js';
import { IntegrationClientIds1765100000000 } from './1765100000000-integration-client-ids.js';
import { TbClient1765300000000 } from './1765300000000-tb-client.js';
import { IntegrationStats1765400000000 } from './1765400000000-integration-stats.js';
import { Cluster1765700000000 } from './1765700000000-cluster.js';
import { TsKvPartitioned1765800000000 } from './1765800000000-ts-kv-partitioned.js';
import { TsKvRollup1765850000000 } from './1765850000000-ts-kv-rollup.js';
import { ConverterLifecycle1765900000000 } from './1765900000000-converter-lifecycle.js';
import { DebugEventTrace1766000000000 } from './1766000000000-debug-event-trace.js';
import { RpcNode1766100000000 } from './1766100000000-rpc-node.js';
import { IntegrationStatsRates1766130000000 } from './1766130000000-integration-stats-rates.js';
import { TsKvEntityDictionary1766200000000 } from './1766200000000-ts-kv-entity-dictionary.js';

export const migrations = [Init1764200000000, DebugEvents1764200001000, Dashboards1764600000000, TelemetryIntegrations1764400000000, RuleChainsRpc1764500000000, Converters1764300000000, Quarantine1765000000000, IntegrationClientIds1765100000000, TbClient1765300000000, IntegrationStats1765400000000, Cluster1765700000000, TsKvPartitioned1765800000000, TsKvRollup1765850000000, ConverterLifecycle1765900000000, DebugEventTrace1766000000000, RpcNode1766100000000, IntegrationStatsRates1766130000000, TsKvEntityDictionary1766200000000];
