import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IntegrationRepository, type StoredIntegration } from '../integrations/integration.repository.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { IntegrationStatsRepository } from '../integrations/runtime/integration-stats.js';
import { ClusterBus } from './cluster-bus.js';
import { ClusterDirectory, type RemoteIntegration } from './cluster-directory.js';
import { ClusterNode } from './cluster-node.js';
import { LeaseRepository } from './lease.repository.js';
import { plan } from './placement.js';
import { effectiveClientId } from '../integrations/integration.identity.js';

const isShared = (s: StoredIntegration) => s.integration.configuration.sharedSubscription === true;

/**
 * Runs on this node the integrations it holds a lease for (placement.ts decides on every heartbeat),
 * and takes every change of an integration to the node that runs it. With one node it holds every
 * lease, so everything behaves as without a cluster.
 */
@Injectable()
export class IntegrationPlacement implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('cluster');
  private queue: Promise<void> = Promise.resolve();
  private kickPending = false;
  private stopped = false;
  /** the state last written to each lease this node holds */
  private readonly written = new Map<string, string>();
  private stateWrites: Promise<void> = Promise.resolve();
  private failing: string | null = null;

  constructor(
    private readonly leases: LeaseRepository,
    private readonly repo: IntegrationRepository,
    private readonly stats: IntegrationStatsRepository,
    private readonly node: ClusterNode,
    private readonly bus: ClusterBus,
    private readonly directory: ClusterDirectory,
    private readonly runtime: IntegrationRuntime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.ready();
    this.node.loadOf.set('integrations', () => this.runtime.runningIds().length);
    this.node.events.on('beat', () => this.kick());
    for (const t of ['released', 'joined', 'resync']) this.bus.on(t, () => this.kick());
    this.bus.on(
      'integration',
      (m) => void this.serial(() => this.changedElsewhere(String(m.tenantId), String(m.id))),
    );
    this.bus.serve('integration.publish', async (b) => {
      const opts = (b.opts ?? {}) as { qos?: 0 | 1 | 2; retain?: boolean };
      await this.runtime.publish(
        String(b.tenantId),
        String(b.integrationId),
        String(b.topic),
        Buffer.from(String(b.payload), 'base64'),
        opts,
      );
      return null;
    });
    this.runtime.events.on('status', (_t, id, s) => this.noteState(id, s.status));
    await this.serial(() => this.tick());
    // the others look now: a node that joins gets its share at once, not on their next heartbeat
    await this.bus.send({ type: 'joined' }).catch(() => undefined);
  }

  /** Graceful stop: this node leaves (the others stop counting it), stops its integrations, gives their leases back. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.queue;
    await this.node.leave();
    const ids = this.runtime.runningIds();
    await Promise.all(ids.map((id) => this.runtime.remove(id)));
    for (const id of ids) await this.leases.release(id, this.node.id).catch(() => undefined);
    if (ids.length) await this.bus.send({ type: 'released' }).catch(() => undefined);
  }

  /** After an integration was saved on this node: it starts, changes or stops where it runs. */
  saved(s: StoredIntegration): Promise<void> {
    return this.serial(async () => {
      const id = s.integration.id.id;
      const owner = await this.leases.owner(id, this.node.timeoutMs);
      if (isShared(s)) {
        // every node runs it: here at once, and on the others when they hear of it
        if (owner) await this.leases.release(id, owner.node);
        await this.runtime.apply(this.sharedCopy(s));
        await this.bus.send({ type: 'integration', tenantId: s.integration.tenantId.id, id });
        return;
      }
      if (owner?.alive && owner.node !== this.node.id) return this.tell(owner.node, s);
      if (!s.integration.enabled) {
        await this.runtime.apply(s); // stops it
        if (owner) await this.leases.release(id, this.node.id);
        return;
      }
      if (owner?.node === this.node.id) return this.runtime.apply(s);
      // nobody alive runs it: this node takes it while under its share, else a node with room does
      const { enabled, mine } = await this.leases.counts(this.node.id);
      const share = Math.ceil(enabled / Math.max(1, this.node.alive.length));
      if (mine < share && (await this.leases.claim(id, this.node.id, this.node.timeoutMs)) !== null)
        return this.runtime.adopt(s);
      await this.bus.send({ type: 'released' });
    });
  }

  /** After an integration was deleted on this node: stopped here and on its node. */
  async deleted(tenantId: string, id: string): Promise<void> {
    await this.serial(() => this.runtime.forget(id));
    await this.bus
      .send({ type: 'integration', tenantId, id })
      .catch((e: Error) => this.log.warn(`Could not tell the other nodes: ${e.message}`));
  }

  private async tell(node: string, s: StoredIntegration): Promise<void> {
    await this.bus.send({
      type: 'integration',
      to: node,
      tenantId: s.integration.tenantId.id,
      id: s.integration.id.id,
    });
  }

  /** Another node changed or deleted an integration. */
  private async changedElsewhere(tenantId: string, id: string): Promise<void> {
    if (this.stopped) return;
    const s = await this.repo.find(tenantId, id);
    if (!s) return this.runtime.forget(id);
    if (isShared(s)) return this.runtime.apply(this.sharedCopy(s));
    const owner = await this.leases.owner(id, this.node.timeoutMs);
    if (owner?.node !== this.node.id) return this.tickLater();
    if (!s.integration.enabled) {
      await this.runtime.apply(s);
      await this.leases.release(id, this.node.id);
      return;
    }
    await this.runtime.apply(s);
  }

  private kick(): void {
    if (this.kickPending || this.stopped) return;
    this.kickPending = true;
    void this.serial(async () => {
      this.kickPending = false;
      await this.tick();
    });
  }

  private tickLater(): void {
    this.kick();
  }

  /** One step at a time: ticks and changes never interleave. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn);
    this.queue = next.then(
      () => {
        if (this.failing) this.log.log('Integration placement works again');
        this.failing = null;
      },
      (e: Error) => {
        // once per distinct error, not every heartbeat of a database outage
        if (e.message !== this.failing)
          this.log.warn(`Integration placement: ${e.message}; trying again every heartbeat`);
        this.failing = e.message;
      },
    );
    return next;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.node.fenced) {
      // the others count this node gone and may run its integrations: stop, so no two connections fight
      const ids = this.runtime.runningIds();
      if (ids.length)
        this.log.warn(
          `No heartbeat written for ${this.node.timeoutMs} ms: stopping ${ids.length} integration(s) until it is`,
        );
      await Promise.all(ids.map((id) => this.runtime.remove(id)));
      return;
    }
    const all = await this.leases.rows();
    const me = this.node.id;
    const rows = all.filter((r) => !r.shared);
    const shared = all.filter((r) => r.shared && r.enabled);
    const sharedIds = new Set(shared.map((r) => r.integrationId));
    const running = new Set(this.runtime.runningIds());
    const p = plan(me, this.node.alive, rows, new Set([...running].filter((id) => !sharedIds.has(id))));
    // shared subscriptions: every node runs every one (the broker shares the messages out)
    for (const r of shared) {
      if (r.owner === me) await this.leases.release(r.integrationId, me);
      if (running.has(r.integrationId)) continue;
      const s = await this.repo.find(r.tenantId, r.integrationId);
      if (s && isShared(s) && s.integration.enabled) await this.runtime.adopt(this.sharedCopy(s));
    }
    for (const id of p.stop) await this.runtime.remove(id);
    for (const r of rows) if (!r.enabled && r.owner === me) await this.leases.release(r.integrationId, me);
    for (const id of p.release) {
      await this.runtime.remove(id);
      await this.leases.release(id, me);
      this.written.delete(id);
    }
    if (p.release.length) {
      this.log.log(`Handed ${p.release.length} integration(s) over to other nodes (share ${p.share})`);
      await this.bus.send({ type: 'released' });
    }
    let held = rows.filter((r) => r.enabled && r.owner === me).length - p.release.length;
    const claimed: string[] = [];
    for (const id of p.claim) {
      if (held >= p.share) break;
      if ((await this.leases.claim(id, me, this.node.timeoutMs)) === null) continue;
      held++;
      claimed.push(id);
    }
    const byId = new Map(rows.map((r) => [r.integrationId, r]));
    // the lease shows the state this node has (a write lost to a database hiccup is made good here)
    const runningNow = new Set(this.runtime.runningIds());
    for (const r of rows)
      if (r.owner === me && runningNow.has(r.integrationId)) {
        const now = this.runtime.status(r.tenantId, r.integrationId).status;
        if (now !== r.state) {
          this.written.delete(r.integrationId);
          this.noteState(r.integrationId, now);
        }
      }
    for (const id of [...p.start, ...claimed]) {
      const s = await this.repo.find(byId.get(id)!.tenantId, id);
      if (!s?.integration.enabled) continue;
      if (claimed.includes(id) && byId.get(id)!.owner)
        this.log.log(`Taking over integration '${s.integration.name}' from node '${byId.get(id)!.owner}'`);
      await this.runtime.adopt(s);
    }
    await this.refreshDirectory(
      rows.filter((r) => r.enabled && r.owner && r.owner !== me && !claimed.includes(r.integrationId)),
    );
  }

  private async refreshDirectory(
    remote: { integrationId: string; owner: string | null; state: string | null }[],
  ): Promise<void> {
    const counters = remote.length ? await this.stats.all(remote.map((r) => r.integrationId)) : new Map();
    const m = new Map<string, RemoteIntegration>();
    for (const r of remote)
      m.set(r.integrationId, {
        node: r.owner!,
        state: r.state ?? 'CONNECTING',
        counters: counters.get(r.integrationId) ?? null,
      });
    this.directory.set(m);
  }

  /**
   * The integration as this node runs it with a shared subscription: each filter as $share/<group>/<filter>
   * (one group per integration) and a client id of its own per node (each node keeps its own session).
   */
  private sharedCopy(s: StoredIntegration): StoredIntegration {
    const i = s.integration;
    const cfg = i.configuration;
    const group = `bridgeboard-${i.id.id.slice(0, 8)}`;
    return {
      ...s,
      integration: {
        ...i,
        configuration: {
          ...cfg,
          clientConfiguration: {
            ...cfg.clientConfiguration,
            clientId: `${effectiveClientId(s)}-${this.node.id}`.slice(0, 256),
          },
          topicFilters: cfg.topicFilters.map((f) => ({ ...f, filter: `$share/${group}/${f.filter}` })),
        },
      },
    };
  }

  /** The owner keeps the lease's state current, and tells the others at once. */
  private noteState(id: string, state: string): void {
    if (this.written.get(id) === state || !this.runtime.runningIds().includes(id)) return;
    this.written.set(id, state);
    // one write at a time, each with the latest state: two writes racing could leave the older one
    this.stateWrites = this.stateWrites.then(() => {
      const latest = this.written.get(id);
      if (!latest) return;
      return this.leases
        .setState(id, this.node.id, latest)
        .catch((e: Error) => this.log.warn(`Could not record the state of integration ${id}: ${e.message}`));
    });
    if (this.node.alive.length > 1) void this.bus.send({ type: 'state', id, state }).catch(() => undefined);
  }
}
