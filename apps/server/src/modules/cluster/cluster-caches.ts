import type { ClusterBus } from './cluster-bus.js';

/**
 * Caches kept per node (converters, rule chains, device names) are forgotten on every node when
 * anything changes: the module that owns a cache says what changed, and listens for what changed on
 * other nodes. A missed message (the channel was down) clears the whole cache ('resync').
 */
export class ClusterCaches {
  private readonly listeners = new Map<string, (key: string | null) => void>();

  constructor(private readonly bus: ClusterBus) {
    bus.on('cache', (m) => this.listeners.get(String(m.name))?.(typeof m.key === 'string' ? m.key : null));
    bus.on('resync', () => this.listeners.forEach((f) => f(null)));
  }

  /** Tells the other nodes that entry `key` of cache `name` changed. */
  changed(name: string, key: string): void {
    void this.bus.send({ type: 'cache', name, key }).catch(() => undefined);
  }

  /** `forget(key)` for an entry changed elsewhere; `forget(null)` to drop everything. */
  on(name: string, forget: (key: string | null) => void): void {
    this.listeners.set(name, forget);
  }
}
