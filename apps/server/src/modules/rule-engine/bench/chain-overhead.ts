/**
 * CPU cost the Root Rule Chain adds per uplink message, in process (no broker, no database):
 * the same batches through RuleChainUplinkSink with a saveBatch that only counts.
 *
 *   cd apps/server && node --no-node-snapshot --import @swc-node/register/esm-register src/modules/rule-engine/bench/chain-overhead.ts [messages]
 */
import type { Device } from '@bridgeboard/contracts';
import type { ChainSource } from '../engine/compiled-chain.js';
import { LocalRuleEngine } from '../engine/local-rule-engine.js';
import type { DeviceData } from '../engine/ports.js';
import { nodeRegistry } from '../nodes/index.js';
import { rootChainMetadata } from '../root-chain.js';
import { RuleChainUplinkSink, type UplinkMessageLike } from '../uplink-sink.js';

const TOTAL = Number(process.argv[2] ?? 200_000);
const BATCH = 100;
const TENANT = '11111111-1111-4111-8111-111111111111';

const md = rootChainMetadata('root');
const ids = md.nodes.map((_, i) => `n${i}`);
const source: ChainSource = {
  rootChainId: async () => 'root',
  loadChain: async () => ({
    id: 'root',
    tenantId: TENANT,
    name: 'Root Rule Chain',
    firstNodeId: ids[0]!,
    nodes: md.nodes.map((n, i) => ({
      id: ids[i]!,
      type: n.type,
      name: n.name,
      debugMode: false,
      debugSince: null,
      debugPinned: false,
      configuration: n.configuration,
    })),
    connections: (md.connections ?? []).map((c) => ({
      fromId: ids[c.fromIndex]!,
      toId: ids[c.toIndex]!,
      type: c.type,
    })),
  }),
};
let saved = 0;
const saveBatch = async (items: DeviceData[]) => {
  saved += items.length;
};
const engine = new LocalRuleEngine(source, nodeRegistry, {
  telemetry: { saveBatch, saveAttributes: async () => undefined },
  downlink: {
    getIntegration: async () => Promise.reject(new Error('unused')),
    runDownlink: async () => ({ ok: false, error: 'unused' }),
    publish: async () => undefined,
  },
  scripts: { run: async () => [] },
  debug: { record: () => undefined },
  debugAutoOffMin: 15,
});
const chain = new RuleChainUplinkSink(engine);
const direct = {
  handle: (batch: UplinkMessageLike[]) =>
    saveBatch(
      batch.map((m) => ({
        tenantId: m.tenantId,
        deviceId: m.device.id.id,
        attributes: m.attributes,
        telemetry: m.telemetry,
      })),
    ),
};

const devices: Device[] = Array.from({ length: 100 }, (_, i) => ({
  id: { entityType: 'DEVICE', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
  createdTime: 0,
  tenantId: { entityType: 'TENANT', id: TENANT },
  deviceProfileId: { entityType: 'DEVICE_PROFILE', id: '00000000-0000-4000-8000-00000000ffff' },
  version: 1,
  name: `bench-${i}`,
  type: 'bench',
  label: null,
  additionalInfo: null,
}));
const batches = Array.from({ length: TOTAL / BATCH }, (_, b) =>
  Array.from({ length: BATCH }, (_, i): UplinkMessageLike => ({
    tenantId: TENANT,
    integrationId: 'i',
    integrationName: 'Bench',
    device: devices[i % 100]!,
    deviceCreated: false,
    attributes: { integrationName: 'Bench' },
    telemetry: [{ ts: b * BATCH + i, values: { seq: b * BATCH + i } }],
    metadata: { topic: `bench/${i}` },
  })),
);

async function time(label: string, sink: { handle(b: UplinkMessageLike[]): Promise<void> }): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (const b of batches) await sink.handle(b);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / TOTAL;
  process.stdout.write(`${label.padEnd(12)} ${us.toFixed(2)} µs per message\n`);
  return us;
}

async function main(): Promise<void> {
  await time('warm direct', direct);
  await time('warm chain', chain);
  const d: number[] = [];
  const c: number[] = [];
  for (let r = 0; r < 3; r++) {
    d.push(await time('direct', direct));
    c.push(await time('root chain', chain));
  }
  const min = (a: number[]) => Math.min(...a);
  process.stdout.write(
    `\nthe Root Rule Chain adds ${(min(c) - min(d)).toFixed(2)} µs of CPU per message (best of 3; ${saved} items saved)\n`,
  );
}

void main();
