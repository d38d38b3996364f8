import type { Device } from '@bridgeboard/contracts';
import type { RpcReply } from '../modules/integrations/runtime/ports.js';

/**
 * The ports between modules: one injection token each, bound by exactly ONE owner module (see the
 * table in docs/architecture.md, "Ports"; `wiring.test.ts` fails when a token has no provider or two).
 * A consumer takes a port in its constructor and never learns who implements it; the owner decides.
 *
 * | token                | owner (binds it)   | used by                                   |
 * |----------------------|--------------------|-------------------------------------------|
 * | UPLINK_SINK          | RuleEngineModule   | IntegrationRuntime (every decoded batch)  |
 * | RPC_RESPONSE_HANDLER | RpcModule          | IntegrationRuntime (uplinks with rpcResponse) |
 * | LIVE_ROOM_CHECKERS   | LiveModule         | LiveGateway (may a socket join this room?) |
 * | PLATFORM_EVENTS      | ClusterModule      | devices, tenants, integrations, converters, rule engine, rpc, live, telemetry, activity, transfer |
 * | CONVERTER_PORT       | IntegrationModule  | IntegrationRuntime (integrations/runtime/ports.ts) |
 * | INTEGRATION_ELSEWHERE| IntegrationModule (= ClusterDirectory) | IntegrationRuntime            |
 */

export type { UplinkSink, RpcReply } from '../modules/integrations/runtime/ports.js';
export { CONVERTER_PORT, INTEGRATION_ELSEWHERE } from '../modules/integrations/runtime/ports.js';

/** Where decoded uplinks go (the tenant's Root Rule Chain); resolves only after their data is committed. */
export const UPLINK_SINK = Symbol('UPLINK_SINK');

/** Takes the `rpcResponse` of a decoded uplink to the two-way RPC call waiting for it (on this node or another). */
export interface RpcResponseHandler {
  /** `traceId`: the reply uplink's own trace (the RPC's trace links to it). */
  onResponse(tenantId: string, deviceId: string, r: RpcReply, traceId?: string): void;
}
export const RPC_RESPONSE_HANDLER = Symbol('RPC_RESPONSE_HANDLER');

export type RoomKind = 'device' | 'integration' | 'converter' | 'rulenode';
/** Says whether the entity a live room is about belongs to the tenant (a socket joins only its own tenant's rooms). */
export interface LiveRoomCheckers {
  /** null when there are no live updates for that kind of room */
  checker(kind: RoomKind): ((tenantId: string, id: string) => Promise<boolean>) | null;
}
export const LIVE_ROOM_CHECKERS = Symbol('LIVE_ROOM_CHECKERS');

/** Events told to every listener in this process, as they happen (listeners must not throw). */
export interface PlatformEventMap {
  deviceCreated: [device: Device];
  deviceUpdated: [device: Device];
  deviceDeleted: [device: Device];
  /** after the tenant and everything in it were deleted (its live connections close at once) */
  tenantDeleted: [tenantId: string];
  /** after the user was deleted */
  userDeleted: [userId: string];
}
/** Hooks the emitter awaits: each handler in the order they were added; the first failure is thrown to the emitter. */
export interface PlatformHookMap {
  /** a tenant was created: what it needs (its Root Rule Chain) is made before the create returns */
  tenantCreated: [tenantId: string];
  /** a tenant is about to be deleted: what runs for it (integrations, RPC) stops before its rows go */
  tenantDeleting: [tenantId: string];
}
/** The per-node caches whose entries another node may change. */
export type CacheName = 'device' | 'converter' | 'ruleChains';

/**
 * The platform's event bus. One provider implements it (`InProcessPlatformEvents`, which the
 * cluster module extends with the bus between nodes): a cluster-wide bus replaces it in that one place.
 */
export interface PlatformEvents {
  emit<E extends keyof PlatformEventMap>(event: E, ...args: PlatformEventMap[E]): void;
  /** Returns what takes the listener off again. */
  on<E extends keyof PlatformEventMap>(event: E, listener: (...args: PlatformEventMap[E]) => void): () => void;
  run<H extends keyof PlatformHookMap>(hook: H, ...args: PlatformHookMap[H]): Promise<void>;
  handle<H extends keyof PlatformHookMap>(hook: H, handler: (...args: PlatformHookMap[H]) => Promise<void>): void;
  /** Entry `key` of a per-node cache changed here: every other node forgets it. */
  cacheChanged(cache: CacheName, key: string): void;
  /** `forget(key)` when an entry changed on another node; `forget(null)`: drop everything (messages may have been missed). */
  onCacheChanged(cache: CacheName, forget: (key: string | null) => void): void;
}
export const PLATFORM_EVENTS = Symbol('PLATFORM_EVENTS');

/** The in-process bus: listeners in this process only; a cache change concerns no other node. */
export class InProcessPlatformEvents implements PlatformEvents {
  private readonly listeners = new Map<string, ((...args: never[]) => void)[]>();
  private readonly handlers = new Map<string, ((...args: never[]) => Promise<void>)[]>();
  protected readonly forgetters = new Map<CacheName, ((key: string | null) => void)[]>();

  emit<E extends keyof PlatformEventMap>(event: E, ...args: PlatformEventMap[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as unknown as (...a: PlatformEventMap[E]) => void)(...args);
  }

  on<E extends keyof PlatformEventMap>(event: E, listener: (...args: PlatformEventMap[E]) => void): () => void {
    const l = listener as unknown as (...args: never[]) => void;
    push(this.listeners, event, l);
    return () => {
      const list = this.listeners.get(event);
      if (list?.includes(l)) list.splice(list.indexOf(l), 1);
    };
  }

  async run<H extends keyof PlatformHookMap>(hook: H, ...args: PlatformHookMap[H]): Promise<void> {
    for (const h of this.handlers.get(hook) ?? []) await (h as unknown as (...a: PlatformHookMap[H]) => Promise<void>)(...args);
  }

  handle<H extends keyof PlatformHookMap>(hook: H, handler: (...args: PlatformHookMap[H]) => Promise<void>): void {
    push(this.handlers, hook, handler as unknown as (...args: never[]) => Promise<void>);
  }

  cacheChanged(_cache: CacheName, _key: string): void {
    // one process: the module that changed the entry has already updated its own cache
  }

  onCacheChanged(cache: CacheName, forget: (key: string | null) => void): void {
    push(this.forgetters, cache, forget);
  }

  /** Tells the listeners of a cache that an entry changed elsewhere (null: everything). */
  protected forget(cache: CacheName, key: string | null): void {
    for (const f of this.forgetters.get(cache) ?? []) f(key);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
