/**
 * The shared helper for rule node tests (small tests, fakes, no I/O): runs one node on one
 * message with a recording context, the way the engine would (an exception becomes Failure).
 */
import type { RuleMsg } from '@bridgeboard/contracts';
import { Sandbox } from '@bridgeboard/sandbox';
import { AppError } from '../../../common/errors.js';
import { newMsg } from '../engine/msg.js';
import type {
  AttributeScope,
  DeviceData,
  DownlinkIntegration,
  DownlinkOutcome,
  DownlinkPort,
  ScriptPort,
  TelemetryPort,
} from '../engine/ports.js';
import { SandboxScripts } from '../engine/sandbox-scripts.js';
import { FAILURE, SUCCESS, type Delivery, type NodeContext, type RuleNodeDefinition } from './node.types.js';

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const DEVICE = '22222222-2222-4222-8222-222222222222';
export const CHAIN = '33333333-3333-4333-8333-333333333333';
export const NODE = '44444444-4444-4444-8444-444444444444';

export function deviceMsg(type: string, data: unknown, metadata: Record<string, string> = {}): RuleMsg {
  return newMsg(type, { entityType: 'DEVICE', id: DEVICE }, data, {
    deviceName: 'SN-001',
    deviceType: 'sensor',
    ...metadata,
  });
}

/** Records saves; `failWith` makes the next saves reject. */
export class FakeTelemetry implements TelemetryPort {
  batches: DeviceData[][] = [];
  attributes: { deviceId: string; scope: AttributeScope; values: Record<string, unknown> }[] = [];
  failWith: Error | null = null;
  async saveBatch(items: DeviceData[]): Promise<void> {
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    this.batches.push(items);
  }
  async saveAttributes(
    _t: string,
    deviceId: string,
    scope: AttributeScope,
    values: Record<string, unknown>,
  ): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.attributes.push({ deviceId, scope, values });
  }
}

/** Integrations in memory; the converter is a plain function; publishes are recorded. */
export class FakeDownlink implements DownlinkPort {
  integrations = new Map<string, DownlinkIntegration>();
  connected = true;
  published: { integrationId: string; topic: string; payload: Buffer }[] = [];
  encoder: (input: { msg: unknown; metadata: Record<string, string>; msgType: string }) => DownlinkOutcome =
    ({ msg, metadata }) => ({
      ok: true,
      result: {
        contentType: 'JSON',
        data: JSON.stringify(msg),
        metadata: { topic: `devices/${metadata.deviceName}/rx` },
      },
    });
  async getIntegration(_t: string, id: string): Promise<DownlinkIntegration> {
    const i = this.integrations.get(id);
    if (!i) throw AppError.notFound(`Integration with id ${id}`);
    return i;
  }
  async runDownlink(
    _t: string,
    _c: string,
    input: { msg: unknown; metadata: Record<string, string>; msgType: string },
  ): Promise<DownlinkOutcome> {
    return this.encoder(input);
  }
  async publish(_t: string, integrationId: string, topic: string, payload: Buffer): Promise<void> {
    if (!this.connected) throw AppError.conflict('Integration is not connected');
    this.published.push({ integrationId, topic, payload });
  }
}

let sandbox: Sandbox | null = null;
/** The real sandbox (no I/O), shared by the tests of one file; call disposeTestSandbox() in afterAll. */
export function testScripts(): ScriptPort {
  sandbox ??= new Sandbox({ timeoutMs: 1000 });
  return new SandboxScripts(sandbox);
}
export function disposeTestSandbox(): void {
  sandbox?.dispose();
  sandbox = null;
}

export interface NodeRun {
  /** Every message the node sent on, with its relation. */
  out: { relation: string; msg: RuleMsg; error?: string }[];
  relations: string[];
  deliveries: Omit<Delivery, 'nodeId'>[];
  saved: DeviceData[];
  chainHandoffs: { ruleChainId: string; msg: RuleMsg }[];
  logs: string[];
}

export interface Fakes {
  telemetry?: FakeTelemetry;
  downlink?: FakeDownlink;
  scripts?: ScriptPort;
  nodeId?: string;
}

/** Parses `config` with the node's schema (as saving a chain does), creates the node and gives it `msg`. */
export async function runNode(
  def: RuleNodeDefinition,
  config: unknown,
  msg: RuleMsg,
  fakes: Fakes = {},
): Promise<NodeRun> {
  const telemetry = fakes.telemetry ?? new FakeTelemetry();
  const nodeId = fakes.nodeId ?? NODE;
  const run: NodeRun = { out: [], relations: [], deliveries: [], saved: [], chainHandoffs: [], logs: [] };
  const emit = (relation: string, m: RuleMsg, error?: string) => {
    run.out.push({ relation, msg: m, ...(error ? { error } : {}) });
    run.relations.push(relation);
  };
  const pending: Promise<void>[] = [];
  const ctx: NodeContext = {
    tenantId: TENANT,
    self: { id: nodeId, name: def.name, ruleChainId: CHAIN },
    tellNext: (m, rel) => (Array.isArray(rel) ? rel : [rel]).forEach((r) => emit(r, m)),
    tellSuccess: (m) => emit(SUCCESS, m),
    tellFailure: (m, e) => emit(FAILURE, m, e instanceof Error ? e.message : String(e)),
    saveDeviceData: async (item) => {
      await telemetry.saveBatch([item]);
      run.saved.push(item);
    },
    saveDeviceDataThenSuccess: (item, m) => {
      pending.push(
        telemetry.saveBatch([item]).then(
          () => {
            run.saved.push(item);
            emit(SUCCESS, m);
          },
          (e: unknown) => emit(FAILURE, m, e instanceof Error ? e.message : String(e)),
        ),
      );
    },
    saveAttributes: (deviceId, scope, values) => telemetry.saveAttributes(TENANT, deviceId, scope, values),
    toRuleChain: (ruleChainId, m) => run.chainHandoffs.push({ ruleChainId, msg: m }),
    reportDelivery: (d) => run.deliveries.push(d),
    downlink: fakes.downlink ?? new FakeDownlink(),
    scripts: fakes.scripts ?? {
      run: async () => Promise.reject(new Error('this test gave the node no sandbox')),
    },
    log: (m) => run.logs.push(m),
  };
  const runtime = def.create(def.configSchema.parse(config), { id: nodeId, tenantId: TENANT });
  try {
    await runtime.onMsg(ctx, msg);
  } catch (e) {
    ctx.tellFailure(msg, e);
  }
  await Promise.all(pending);
  return run;
}
