import type { IntegrationConnectionState, IntegrationStatus } from '@bridgeboard/contracts';
import { IntegrationError } from '../integrations/integration.errors.js';
import type { IntegrationElsewhere } from '../integrations/runtime/ports.js';
import type { StoredCounters } from '../integrations/runtime/integration-stats.js';
import { storedRates } from '../integrations/runtime/integration-counters.js';
import type { ClusterBus } from './cluster-bus.js';
import type { ClusterNode } from './cluster-node.js';

export interface RemoteIntegration {
  node: string;
  state: string;
  counters: StoredCounters | null;
}

/**
 * What this node knows of the integrations other nodes run: who runs each, its state (told by the
 * owner on every change, read again from the leases on every heartbeat) and its counters (from
 * integration_stats, where every node adds what it counted). Publishing goes to the owner.
 */
export class ClusterDirectory implements IntegrationElsewhere {
  private remote = new Map<string, RemoteIntegration>();

  constructor(
    private readonly node: ClusterNode,
    private readonly bus: ClusterBus,
  ) {
    // the owner tells every change of state at once; the leases are read again on every heartbeat
    bus.on('state', (m) => {
      const id = String(m.id);
      const r = this.remote.get(id);
      this.remote.set(id, { node: String(m.from), state: String(m.state), counters: r?.counters ?? null });
    });
  }

  /** Replaces what is known (placement does it on every heartbeat). */
  set(entries: Map<string, RemoteIntegration>): void {
    this.remote = entries;
  }

  ownerOf(integrationId: string): string | null {
    return this.remote.get(integrationId)?.node ?? null;
  }

  status(integrationId: string): IntegrationStatus | null {
    const r = this.remote.get(integrationId);
    if (!r) return null;
    const c = r.counters;
    return {
      status: (this.node.alive.includes(r.node) ? r.state : 'DISCONNECTED') as IntegrationConnectionState,
      messagesIn: c?.messagesIn ?? 0,
      messagesOut: c?.messagesOut ?? 0,
      errors: c?.errors ?? 0,
      lastMessageTime: c?.lastMessageTime ?? null,
      lastError: c?.lastError ?? null,
      quarantined: 0,
      ...(c ? { rates: storedRates(c, Date.now()) } : {}),
    };
  }

  publish(
    tenantId: string,
    integrationId: string,
    topic: string,
    payload: Buffer,
    opts: { qos?: 0 | 1 | 2; retain?: boolean },
  ): Promise<void> | null {
    const r = this.remote.get(integrationId);
    if (!r || !this.node.alive.includes(r.node)) return null;
    return this.bus
      .call<null>(r.node, 'integration.publish', {
        tenantId,
        integrationId,
        topic,
        payload: payload.toString('base64'),
        opts,
      })
      .then(
        () => undefined,
        (e: { status?: number; message?: string }) => {
          // a node that does not answer may or may not have published: 409, as an unconfirmed publish (sent again)
          if (e.status === 504) throw IntegrationError.notConnected(integrationId, `unknown: ${e.message}`);
          throw e;
        },
      );
  }
}
