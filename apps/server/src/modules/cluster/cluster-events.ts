import type { Device } from '@bridgeboard/contracts';
import { InProcessPlatformEvents, type CacheName, type PlatformEventMap } from '../../common/ports.js';
import type { ClusterBus } from './cluster-bus.js';
import type { ClusterNode } from './cluster-node.js';

/**
 * The platform's event bus in a cluster (the PLATFORM_EVENTS port; the only place the bus between
 * nodes meets the modules' events). Events and hooks stay in this process, as with one node; what a
 * node keeps in a per-node cache (converters, rule chains, device names) is forgotten on every node
 * when anything changes: the module that owns a cache says what changed, and hears what changed on
 * other nodes. A missed message (the channel was down) clears the whole cache ('resync').
 */
export class ClusterPlatformEvents extends InProcessPlatformEvents {
  constructor(
    private readonly bus: ClusterBus,
    private readonly node: ClusterNode,
  ) {
    super();
    bus.on('cache', (m) => this.forget(String(m.name) as CacheName, typeof m.key === 'string' ? m.key : null));
    bus.on('resync', () => {
      for (const cache of this.forgetters.keys()) this.forget(cache, null);
    });
  }

  override emit<E extends keyof PlatformEventMap>(event: E, ...args: PlatformEventMap[E]): void {
    super.emit(event, ...args);
    // device names are cached per node: a device renamed or deleted on one node is forgotten on all
    if ((event === 'deviceUpdated' || event === 'deviceDeleted') && this.node.alive.length > 1)
      this.cacheChanged('device', JSON.stringify(args[0] as Device));
  }

  override cacheChanged(cache: CacheName, key: string): void {
    void this.bus.send({ type: 'cache', name: cache, key }).catch(() => undefined);
  }
}
