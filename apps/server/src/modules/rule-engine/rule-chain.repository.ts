import type { PageData, PageQuery, RuleChain, RuleNode } from '@bridgeboard/contracts';
import type { Db, Queryable } from '../../database/db.js';
import { entityId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';
import type { ChainDefinition, ChainSource } from './engine/compiled-chain.js';

interface ChainRow {
  id: string;
  created_time: string;
  tenant_id: string;
  name: string;
  root: boolean;
  first_node_id: string | null;
  debug_mode: boolean;
  configuration: Record<string, unknown> | null;
  additional_info: Record<string, unknown> | null;
}

export interface NodeRow {
  id: string;
  created_time: string;
  rule_chain_id: string;
  idx: number;
  type: string;
  name: string;
  debug_mode: boolean;
  debug_since: string | null;
  debug_pinned: boolean;
  configuration: Record<string, unknown>;
  additional_info: Record<string, unknown> | null;
}

export interface NewNode {
  id: string;
  type: string;
  name: string;
  debugMode: boolean;
  debugSince: number | null;
  debugPinned: boolean;
  configuration: Record<string, unknown>;
  additionalInfo: Record<string, unknown> | null;
}

const toChain = (r: ChainRow): RuleChain => ({
  id: entityId('RULE_CHAIN', r.id),
  createdTime: Number(r.created_time),
  tenantId: entityId('TENANT', r.tenant_id),
  name: r.name,
  type: 'CORE',
  firstRuleNodeId: r.first_node_id ? entityId('RULE_NODE', r.first_node_id) : null,
  root: r.root,
  debugMode: r.debug_mode,
  configuration: r.configuration,
  additionalInfo: r.additional_info,
});

export const toNode = (r: NodeRow, debugActive: boolean, debugModeUntil: number | null): RuleNode => ({
  id: entityId('RULE_NODE', r.id),
  createdTime: Number(r.created_time),
  ruleChainId: entityId('RULE_CHAIN', r.rule_chain_id),
  type: r.type,
  name: r.name,
  debugMode: debugActive,
  debugPinned: r.debug_pinned,
  debugModeUntil: debugActive ? debugModeUntil : null,
  configuration: r.configuration,
  additionalInfo: r.additional_info,
});

const SORT = sortColumns({ name: 'name', createdTime: 'created_time', root: 'root' });

/** Rule chains, their nodes and connections; every method takes the tenant first. */
export class RuleChainRepository implements ChainSource {
  constructor(private readonly db: Db) {}

  async page(tenantId: string, p: PageQuery): Promise<PageData<RuleChain>> {
    const like = likePattern(p.textSearch);
    const where = `tenant_id = $1 AND ($2::text IS NULL OR name ILIKE $2)`;
    const rows = await this.db.query<ChainRow>(
      `SELECT * FROM rule_chain WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $3 OFFSET $4`,
      [tenantId, like, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM rule_chain WHERE ${where}`, [
      tenantId,
      like,
    ]);
    return toPage(rows.map(toChain), Number(c!.n), p);
  }

  async findById(tenantId: string, id: string, q: Queryable = this.db): Promise<RuleChain | null> {
    const [r] = await q.query<ChainRow>('SELECT * FROM rule_chain WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return r ? toChain(r) : null;
  }

  async findRoot(tenantId: string): Promise<RuleChain | null> {
    const [r] = await this.db.query<ChainRow>('SELECT * FROM rule_chain WHERE tenant_id = $1 AND root', [
      tenantId,
    ]);
    return r ? toChain(r) : null;
  }

  async insert(
    tenantId: string,
    c: {
      id: string;
      name: string;
      root: boolean;
      debugMode: boolean;
      configuration?: unknown;
      additionalInfo?: unknown;
    },
    q: Queryable = this.db,
  ): Promise<RuleChain> {
    const [r] = await q.query<ChainRow>(
      `INSERT INTO rule_chain (id, created_time, tenant_id, name, root, debug_mode, configuration, additional_info)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        c.id,
        Date.now(),
        tenantId,
        c.name,
        c.root,
        c.debugMode,
        c.configuration ?? null,
        c.additionalInfo ?? null,
      ],
    );
    return toChain(r!);
  }

  async update(
    tenantId: string,
    id: string,
    c: { name: string; debugMode: boolean; configuration?: unknown; additionalInfo?: unknown },
  ): Promise<RuleChain | null> {
    const [r] = await this.db.query<ChainRow>(
      `UPDATE rule_chain SET name = $3, debug_mode = $4, configuration = $5, additional_info = $6 WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      [tenantId, id, c.name, c.debugMode, c.configuration ?? null, c.additionalInfo ?? null],
    );
    return r ? toChain(r) : null;
  }

  async setRoot(tenantId: string, id: string): Promise<void> {
    await this.db.tx(async (q) => {
      await q.query('UPDATE rule_chain SET root = false WHERE tenant_id = $1 AND root AND id <> $2', [
        tenantId,
        id,
      ]);
      await q.query('UPDATE rule_chain SET root = true WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    });
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (
      (
        await this.db.query('DELETE FROM rule_chain WHERE tenant_id = $1 AND id = $2 RETURNING id', [
          tenantId,
          id,
        ])
      ).length > 0
    );
  }

  async nodes(tenantId: string, chainId: string, q: Queryable = this.db): Promise<NodeRow[]> {
    return q.query<NodeRow>(
      'SELECT * FROM rule_node WHERE tenant_id = $1 AND rule_chain_id = $2 ORDER BY idx',
      [tenantId, chainId],
    );
  }

  async findNode(tenantId: string, nodeId: string): Promise<NodeRow | null> {
    const [r] = await this.db.query<NodeRow>('SELECT * FROM rule_node WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      nodeId,
    ]);
    return r ?? null;
  }

  async connections(
    tenantId: string,
    chainId: string,
  ): Promise<{ from_id: string; to_id: string; type: string }[]> {
    return this.db.query(
      `SELECT c.from_id, c.to_id, c.type FROM rule_node_connection c JOIN rule_chain r ON r.id = c.rule_chain_id
       WHERE r.tenant_id = $1 AND c.rule_chain_id = $2 ORDER BY c.type, c.from_id, c.to_id`,
      [tenantId, chainId],
    );
  }

  /** Replaces the chain's nodes and connections in one transaction; nodes keep their ids (and debug events). */
  async saveMetadata(
    tenantId: string,
    chainId: string,
    nodes: NewNode[],
    connections: { fromId: string; toId: string; type: string }[],
    firstNodeId: string | null,
  ): Promise<void> {
    await this.db.tx(async (q) => {
      const [locked] = await q.query(
        'SELECT id FROM rule_chain WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
        [tenantId, chainId],
      );
      if (!locked) return;
      await q.query('DELETE FROM rule_node_connection WHERE rule_chain_id = $1', [chainId]);
      await q.query('DELETE FROM rule_node WHERE rule_chain_id = $1 AND NOT (id = ANY($2::uuid[]))', [
        chainId,
        nodes.map((n) => n.id),
      ]);
      const now = Date.now();
      await q.query(
        `INSERT INTO rule_node (id, created_time, tenant_id, rule_chain_id, idx, type, name, debug_mode, debug_since, debug_pinned, configuration, additional_info)
         SELECT id, $1, $2, $3, idx, type, name, dm, ds, dp, cfg, ai
         FROM unnest($4::uuid[], $5::int[], $6::text[], $7::text[], $8::boolean[], $9::bigint[], $10::boolean[], $11::jsonb[], $12::jsonb[])
           AS x(id, idx, type, name, dm, ds, dp, cfg, ai)
         ON CONFLICT (id) DO UPDATE SET idx = EXCLUDED.idx, type = EXCLUDED.type, name = EXCLUDED.name, debug_mode = EXCLUDED.debug_mode,
           debug_since = EXCLUDED.debug_since, debug_pinned = EXCLUDED.debug_pinned, configuration = EXCLUDED.configuration,
           additional_info = EXCLUDED.additional_info
         WHERE rule_node.rule_chain_id = $3`,
        [
          now,
          tenantId,
          chainId,
          nodes.map((n) => n.id),
          nodes.map((_, i) => i),
          nodes.map((n) => n.type),
          nodes.map((n) => n.name),
          nodes.map((n) => n.debugMode),
          nodes.map((n) => n.debugSince),
          nodes.map((n) => n.debugPinned),
          nodes.map((n) => JSON.stringify(n.configuration)),
          nodes.map((n) => (n.additionalInfo ? JSON.stringify(n.additionalInfo) : null)),
        ],
      );
      if (connections.length)
        await q.query(
          `INSERT INTO rule_node_connection (rule_chain_id, from_id, to_id, type)
           SELECT $1, f, t, ty FROM unnest($2::uuid[], $3::uuid[], $4::text[]) AS x(f, t, ty) ON CONFLICT DO NOTHING`,
          [
            chainId,
            connections.map((c) => c.fromId),
            connections.map((c) => c.toId),
            connections.map((c) => c.type),
          ],
        );
      await q.query('UPDATE rule_chain SET first_node_id = $2 WHERE id = $1', [chainId, firstNodeId]);
    });
  }

  /** Rule Chain nodes (of any chain of the tenant) that hand messages to `chainId`. */
  async referencesTo(
    tenantId: string,
    chainId: string,
    nodeType: string,
  ): Promise<{ nodeName: string; chainName: string }[]> {
    const rows = await this.db.query<{ node_name: string; chain_name: string }>(
      `SELECT n.name AS node_name, c.name AS chain_name FROM rule_node n JOIN rule_chain c ON c.id = n.rule_chain_id
       WHERE n.tenant_id = $1 AND n.type = $2 AND n.configuration->>'ruleChainId' = $3 AND n.rule_chain_id <> $4::uuid`,
      [tenantId, nodeType, chainId, chainId],
    );
    return rows.map((r) => ({ nodeName: r.node_name, chainName: r.chain_name }));
  }

  async tenantsWithoutRoot(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      'SELECT t.id FROM tenant t WHERE NOT EXISTS (SELECT 1 FROM rule_chain c WHERE c.tenant_id = t.id AND c.root)',
    );
    return rows.map((r) => r.id);
  }

  // ChainSource: what the engine loads.
  async rootChainId(tenantId: string): Promise<string | null> {
    return (await this.findRoot(tenantId))?.id.id ?? null;
  }

  async loadChain(tenantId: string, chainId: string): Promise<ChainDefinition | null> {
    const chain = await this.findById(tenantId, chainId);
    if (!chain) return null;
    const [nodes, conns] = await Promise.all([
      this.nodes(tenantId, chainId),
      this.connections(tenantId, chainId),
    ]);
    return {
      id: chain.id.id,
      tenantId,
      name: chain.name,
      firstNodeId: chain.firstRuleNodeId?.id ?? null,
      nodes: nodes.map((n) => ({
        id: n.id,
        type: n.type,
        name: n.name,
        debugMode: n.debug_mode,
        debugSince: n.debug_since == null ? null : Number(n.debug_since),
        debugPinned: n.debug_pinned,
        configuration: n.configuration,
      })),
      connections: conns.map((c) => ({ fromId: c.from_id, toId: c.to_id, type: c.type })),
    };
  }
}
