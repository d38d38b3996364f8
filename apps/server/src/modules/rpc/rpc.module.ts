import { forwardRef, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PLATFORM_EVENTS, RPC_RESPONSE_HANDLER, type PlatformEvents, type RpcReply, type RpcResponseHandler } from '../../common/ports.js';
import { Db } from '../../database/db.js';
import { runOncePerCluster } from '../../database/cluster-lock.js';
import { DeviceService } from '../devices/device.service.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { RuleEngine } from '../rule-engine/engine/rule-engine.js';
import { RpcController } from './rpc.controller.js';
import { RpcRepository } from './rpc.repository.js';
import { RPC_DEBUG_EVENT, RpcService } from './rpc.service.js';
import { DebugEventService } from '../events/debug-event.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { ClusterBus } from '../cluster/cluster-bus.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { IntegrationModule } from '../integrations/integration.module.js';
import { RuleEngineModule } from '../rule-engine/rule-engine.module.js';
import { DeviceModule } from '../devices/device.module.js';
import { DebugEventModule } from '../events/debug-event.module.js';
import { ClusterNode } from '../cluster/cluster-node.js';

/**
 * Devices whose reply a two-way call on another node of the cluster waits for (that node said so before
 * sending the call). A reply no call here waits for is passed on only then: a converter that gives an
 * rpcResponse on every uplink must not make every uplink a NOTIFY to every node.
 */
@Injectable()
class RemoteWaits {
  /** tenantId/deviceId → until when a call elsewhere waits (ms) */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly bus: ClusterBus,
    private readonly node: ClusterNode,
  ) {
    bus.on('rpcAwait', (m) => {
      const key = `${String(m.tenantId)}/${String(m.deviceId)}`;
      const until = Number(m.until);
      if (until > (this.until.get(key) ?? 0)) this.until.set(key, until);
      if (this.until.size > 10_000) this.prune();
    });
  }

  /** A call here waits for the device's reply: the other nodes hear it before the call is sent. */
  announce(tenantId: string, deviceId: string, until: number): Promise<void> {
    if (this.node.alive.length < 2) return Promise.resolve();
    return this.bus.send({ type: 'rpcAwait', tenantId, deviceId, until });
  }

  waitedElsewhere(tenantId: string, deviceId: string): boolean {
    const key = `${tenantId}/${deviceId}`;
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until >= Date.now()) return true;
    this.until.delete(key);
    return false;
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, until] of this.until) if (until < now) this.until.delete(k);
  }
}

/**
 * The RPC_RESPONSE_HANDLER port (this module owns it): a reply decoded by an integration goes to the
 * two-way call waiting for it. RpcService is looked up at the first reply, not injected: it publishes
 * through the integration runtime, which takes this handler in its constructor.
 */
@Injectable()
class RpcResponseRouter implements RpcResponseHandler {
  private rpc: RpcService | null = null;

  constructor(
    private readonly refs: ModuleRef,
    private readonly bus: ClusterBus,
    private readonly node: ClusterNode,
    private readonly waits: RemoteWaits,
  ) {}

  onResponse(tenantId: string, deviceId: string, r: RpcReply, traceId?: string): void {
    const rpc = (this.rpc ??= this.refs.get(RpcService)!);
    // a two-way call may wait on another node (its REST call arrived there): a reply nobody here waits for goes to the others
    if (!rpc.onResponse(tenantId, deviceId, r, traceId) && this.node.alive.length > 1 && this.waits.waitedElsewhere(tenantId, deviceId))
      void this.bus.send({ type: 'rpcResponse', tenantId, deviceId, r, traceId }).catch(() => undefined);
  }
}

/** Starts and stops the persistent-RPC housekeeping with the app; two-way replies come from the integrations. */
@Injectable()
class RpcLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly rpc: RpcService,
    @Inject(PLATFORM_EVENTS) platform: PlatformEvents,
    bus: ClusterBus,
  ) {
    // a reply another node decoded for a call waiting here
    bus.on(
      'rpcResponse',
      (m) =>
        void this.rpc.onResponse(
          String(m.tenantId),
          String(m.deviceId),
          m.r as { requestId?: string | number; data: unknown },
          typeof m.traceId === 'string' ? m.traceId : undefined,
        ),
    );
    platform.handle('tenantDeleting', (tenantId) => this.rpc.forgetTenant(tenantId));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.rpc.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rpc.stop();
  }
}

@Module({
  // The order is the start and stop order (Nest starts the deepest module first): the integrations start
  // before the rule engine and both before RPC, which re-sends open persistent calls through them (see index.ts).
  imports: [ClusterModule, DeviceModule, DebugEventModule, forwardRef(() => RuleEngineModule), forwardRef(() => IntegrationModule)],
  controllers: [RpcController],
  providers: [
    // the persistent calls, marked with the node that has them in hand
    { provide: RpcRepository, inject: [Db, ClusterNode], useFactory: (db: Db, node: ClusterNode) => new RpcRepository(db, node.id) },
    {
      provide: RpcService,
      inject: [Db, RpcRepository, RuleEngine, DeviceService, IntegrationRuntime, DebugEventService, APP_CONFIG, ClusterNode, RemoteWaits],
      useFactory: (db: Db, repo: RpcRepository, engine: RuleEngine, devices: DeviceService, runtime: IntegrationRuntime, debug: DebugEventService, config: AppConfig, node: ClusterNode, waits: RemoteWaits) =>
        new RpcService({
          engine,
          devices,
          repo,
          integrations: runtime,
          trace: config.TRACE_MESSAGES
            ? { record: (tenantId, deviceId, traceId, body) => debug.record(tenantId, 'DEVICE', deviceId, RPC_DEBUG_EVENT, body, traceId) }
            : undefined,
          // alone, the lock would cost a pooled connection every second for nothing
          once: (name, fn) => (node.alive.length > 1 ? runOncePerCluster(db, name, fn) : fn()),
          awaiting: (tenantId, deviceId, until) => waits.announce(tenantId, deviceId, until),
          // a stopping node still counts (it finishes its sends); it is gone once its row is
          nodeTimeoutMs: node.timeoutMs,
        }),
    },
    RemoteWaits,
    { provide: RPC_RESPONSE_HANDLER, useClass: RpcResponseRouter },
    RpcLifecycle,
  ],
  exports: [RPC_RESPONSE_HANDLER],
})
export class RpcModule {}
