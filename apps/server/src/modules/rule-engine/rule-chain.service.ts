import type {
  ComponentDescriptor,
  PageData,
  PageQuery,
  RuleChain,
  RuleChainMetaData,
  SaveRuleChainMetaDataRequest,
  SaveRuleChainRequest,
} from '@bridgeboard/contracts';
import { AppError, ErrorCode } from '../../common/errors.js';
import { StaleVersionError } from '../../common/versioning.js';
import { newId } from '../../common/ids.js';
import type { RuleEngine } from './engine/rule-engine.js';
import { definition as ruleChainNode } from './nodes/rule-chain/index.js';
import { definition as integrationDownlinkNode } from './nodes/integration-downlink/index.js';
import type { RuleNodeDefinition } from './nodes/node.types.js';
import { RuleChainRepository, toNode, type NewNode, type NodeRow } from './rule-chain.repository.js';
import { RuleEngineError } from './rule-engine.errors.js';
import { toComponentDescriptor } from './component-descriptor.js';
import { ROOT_CHAIN_NAME, rootChainMetadata } from './root-chain.js';
import {
  debugModeActive,
  debugModeSinceOnSave,
  debugModeUntil,
  type DebugSwitch,
} from '../events/debug-mode.js';

const nodeSwitch = (n: Pick<NodeRow, 'debug_mode' | 'debug_pinned' | 'debug_since'>): DebugSwitch => ({
  debugMode: n.debug_mode,
  since: n.debug_since == null ? null : Number(n.debug_since),
  pinned: n.debug_pinned,
});

/** Rule chains and their metadata: validation against the node registry, root chain per tenant. */
export class RuleChainService {
  constructor(
    private readonly repo: RuleChainRepository,
    private readonly registry: ReadonlyMap<string, RuleNodeDefinition>,
    private readonly engine: Pick<RuleEngine, 'invalidate'>,
    private readonly debugAutoOffMin: number,
    private readonly now: () => number = Date.now,
    /** Whether an integration exists in the tenant (checked when a chain is saved). */
    private readonly integrationExists: (tenantId: string, id: string) => Promise<boolean> = async () => true,
    /** Throws when the tenant may not create one more chain (TENANT_MAX_RULE_CHAINS). */
    private readonly checkCreate: (tenantId: string) => Promise<void> = async () => undefined,
  ) {}

  /** Node types as ThingsBoard's ComponentDescriptor, optionally only some categories (`componentTypes`). */
  components(categories?: readonly string[]): ComponentDescriptor[] {
    return [...this.registry.values()]
      .filter((d) => !categories?.length || categories.includes(d.category))
      .map((d) => toComponentDescriptor(d));
  }

  component(clazz: string): ComponentDescriptor {
    const d = this.registry.get(clazz);
    if (!d)
      throw new AppError(
        404,
        ErrorCode.ITEM_NOT_FOUND,
        `No rule node type '${clazz}' (GET /api/components lists them)`,
      );
    return toComponentDescriptor(d);
  }

  page(tenantId: string, q: PageQuery): Promise<PageData<RuleChain>> {
    return this.repo.page(tenantId, q);
  }

  async get(tenantId: string, id: string): Promise<RuleChain> {
    const c = await this.repo.findById(tenantId, id);
    if (!c) throw RuleEngineError.chainNotFound(id);
    return c;
  }

  async save(tenantId: string, req: SaveRuleChainRequest): Promise<RuleChain> {
    if (req.id) {
      const c = await this.repo.update(tenantId, req.id.id, req, req.version);
      if (!c) {
        const cur = req.version == null ? null : await this.repo.findById(tenantId, req.id.id);
        throw cur
          ? new StaleVersionError('Rule chain', cur.name, req.version!, cur.version)
          : RuleEngineError.chainNotFound(req.id.id);
      }
      return c;
    }
    await this.checkCreate(tenantId);
    return this.repo.insert(tenantId, { ...req, id: newId(), root: false });
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const c = await this.get(tenantId, id);
    if (c.root) throw RuleEngineError.rootNotDeletable();
    const refs = await this.repo.referencesTo(tenantId, id, ruleChainNode.type);
    if (refs.length) throw RuleEngineError.chainInUse(c.name, refs[0]!.nodeName, refs[0]!.chainName);
    await this.repo.delete(tenantId, id);
    this.engine.invalidate(tenantId);
  }

  async setRoot(tenantId: string, id: string): Promise<RuleChain> {
    await this.get(tenantId, id);
    await this.repo.setRoot(tenantId, id);
    this.engine.invalidate(tenantId);
    return this.get(tenantId, id);
  }

  private debugActive(n: Pick<NodeRow, 'debug_mode' | 'debug_pinned' | 'debug_since'>): boolean {
    return debugModeActive(nodeSwitch(n), this.debugAutoOffMin, this.now());
  }

  async getMetadata(tenantId: string, id: string): Promise<RuleChainMetaData> {
    const chain = await this.get(tenantId, id);
    const [nodes, conns] = await Promise.all([
      this.repo.nodes(tenantId, id),
      this.repo.connections(tenantId, id),
    ]);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    const first = chain.firstRuleNodeId ? index.get(chain.firstRuleNodeId.id) : undefined;
    return {
      ruleChainId: chain.id,
      // -1, not null, for a chain without a first node: ThingsBoard's clients cannot read a null here
      firstNodeIndex: first ?? -1,
      nodes: nodes.map((n) =>
        toNode(n, this.debugActive(n), debugModeUntil(nodeSwitch(n), this.debugAutoOffMin, this.now())),
      ),
      connections: conns.map((c) => ({
        fromIndex: index.get(c.from_id)!,
        toIndex: index.get(c.to_id)!,
        type: c.type,
      })),
      ruleChainConnections: [],
      version: chain.version,
    };
  }

  async saveMetadata(tenantId: string, req: SaveRuleChainMetaDataRequest): Promise<RuleChainMetaData> {
    const chainId = req.ruleChainId.id;
    const chain = await this.get(tenantId, chainId);
    if (req.version != null && req.version !== chain.version)
      throw new StaleVersionError('Rule chain', chain.name, req.version, chain.version);
    const existing = new Map((await this.repo.nodes(tenantId, chainId)).map((n) => [n.id, n]));
    const nodes: NewNode[] = req.nodes.map((n, i) => {
      const def = this.registry.get(n.type);
      if (!def)
        throw RuleEngineError.invalidField(
          `nodes[${i}].type`,
          `'${n.type}' is not a known rule node type (see GET /api/components)`,
        );
      const cfg = def.configSchema.safeParse(n.configuration);
      if (!cfg.success) {
        const issue = cfg.error.issues[0]!;
        const field = [`nodes[${i}].configuration`, ...issue.path.map(String)].join('.');
        throw RuleEngineError.invalidField(field, `${issue.message} (node '${n.name}')`);
      }
      if (n.type === ruleChainNode.type) {
        const target = (cfg.data as { ruleChainId: string }).ruleChainId;
        if (target === chainId)
          throw RuleEngineError.invalidField(
            `nodes[${i}].configuration.ruleChainId`,
            `node '${n.name}' cannot hand messages to its own rule chain`,
          );
      }
      const old = n.id ? existing.get(n.id.id) : undefined;
      return {
        id: old ? old.id : newId(),
        type: n.type,
        name: n.name,
        debugMode: n.debugMode,
        debugSince: debugModeSinceOnSave(
          old ? nodeSwitch(old) : null,
          { debugMode: n.debugMode, pinned: n.debugPinned },
          this.debugAutoOffMin,
          this.now(),
        ),
        debugPinned: n.debugPinned,
        configuration: cfg.data as Record<string, unknown>,
        additionalInfo: n.additionalInfo ?? null,
      };
    });
    for (const [i, n] of req.nodes.entries()) {
      if (n.type === integrationDownlinkNode.type) {
        const target = (nodes[i]!.configuration as { integrationId: string }).integrationId;
        if (!(await this.integrationExists(tenantId, target)))
          throw RuleEngineError.invalidField(
            `nodes[${i}].configuration.integrationId`,
            `node '${n.name}' names integration ${target}, which does not exist`,
          );
      }
      if (n.type !== ruleChainNode.type) continue;
      const target = (nodes[i]!.configuration as { ruleChainId: string }).ruleChainId;
      if (!(await this.repo.findById(tenantId, target)))
        throw RuleEngineError.invalidField(
          `nodes[${i}].configuration.ruleChainId`,
          `node '${n.name}' names rule chain ${target}, which does not exist`,
        );
    }
    const connections = (req.connections ?? []).map((c, i) => {
      const from = nodes[c.fromIndex];
      const to = nodes[c.toIndex];
      if (!from)
        throw RuleEngineError.invalidField(`connections[${i}].fromIndex`, `there is no node ${c.fromIndex}`);
      if (!to)
        throw RuleEngineError.invalidField(`connections[${i}].toIndex`, `there is no node ${c.toIndex}`);
      const rels = this.registry.get(from.type)!.relationTypes;
      if (!rels.includes(c.type))
        throw RuleEngineError.invalidField(
          `connections[${i}].type`,
          `node '${from.name}' has no relation '${c.type}' (it has: ${rels.join(', ')})`,
        );
      return { fromId: from.id, toId: to.id, type: c.type };
    });
    const fi = req.firstNodeIndex ?? null;
    if (fi != null && fi >= 0 && !nodes[fi])
      throw RuleEngineError.invalidField('firstNodeIndex', `there is no node ${fi}`);
    const firstNodeId = fi != null && fi >= 0 ? nodes[fi]!.id : null;
    await this.repo.saveMetadata(tenantId, chainId, nodes, connections, firstNodeId);
    this.engine.invalidate(tenantId);
    return this.getMetadata(tenantId, chainId);
  }

  /** The tenant's Root Rule Chain (contracts.md), unless it has one. */
  async createRootChain(tenantId: string): Promise<void> {
    if (await this.repo.findRoot(tenantId)) return;
    const id = newId();
    try {
      await this.repo.insert(tenantId, { id, name: ROOT_CHAIN_NAME, root: true, debugMode: false });
    } catch (e) {
      if ((e as { code?: string }).code === '23505') return; // another instance created it meanwhile
      throw e;
    }
    await this.saveMetadata(tenantId, rootChainMetadata(id));
  }

  /** Start-up back-fill: tenants created before the rule engine existed get their Root Rule Chain. */
  async ensureRootChains(): Promise<number> {
    const missing = await this.repo.tenantsWithoutRoot();
    for (const t of missing) await this.createRootChain(t);
    return missing.length;
  }
}
