import { forwardRef, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TenantLimits } from '../../common/tenant-limits.js';
import { Sandbox } from '@bridgeboard/sandbox';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { repositories } from '../../database/repositories.js';
import { ConverterRuntime } from '../converters/converter.runtime.js';
import { DebugEventService } from '../events/debug-event.service.js';
import { IntegrationService } from '../integrations/integration.service.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { TelemetryService } from '../telemetry/telemetry.service.js';
import type { ChainSource } from './engine/compiled-chain.js';
import { LocalRuleEngine } from './engine/local-rule-engine.js';
import type { DownlinkPort, EnginePorts } from './engine/ports.js';
import { RuleEngine } from './engine/rule-engine.js';
import { SandboxScripts } from './engine/sandbox-scripts.js';
import { nodeRegistry } from './nodes/index.js';
import { RuleChainController } from './rule-chain.controller.js';
import { RuleChainRepository } from './rule-chain.repository.js';
import { RuleChainService } from './rule-chain.service.js';
import { RuleChainUplinkSink } from './uplink-sink.js';
import { PLATFORM_EVENTS, UPLINK_SINK, type PlatformEvents, type UplinkSink } from '../../common/ports.js';
import { UPLINK_SINK_WRAP, type UplinkSinkWrap } from '../../core.module.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { ConverterModule } from '../converters/converter.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { DebugEventModule } from '../events/debug-event.module.js';
import { IntegrationModule } from '../integrations/integration.module.js';


/** The engine's ports bound to the telemetry, integration, converter and debug-event modules. */
function enginePorts(
  config: AppConfig,
  telemetry: TelemetryService,
  integrations: IntegrationService,
  runtime: IntegrationRuntime,
  converters: ConverterRuntime,
  sandbox: Sandbox,
  debug: DebugEventService,
): EnginePorts {
  const downlink: DownlinkPort = {
    getIntegration: (tenantId, id) => integrations.get(tenantId, id),
    runDownlink: (tenantId, converterId, input) => converters.runDownlink(tenantId, converterId, input),
    publish: (tenantId, integrationId, topic, payload, opts) =>
      runtime.publish(tenantId, integrationId, topic, payload, opts),
  };
  return {
    telemetry: {
      saveBatch: (items) => telemetry.saveBatch(items),
      saveAttributes: (t, d, scope, values) => telemetry.saveAttributes(t, d, scope, values),
    },
    downlink,
    scripts: new SandboxScripts(sandbox),
    debug: {
      record: (t, type, id, kind, body, traceId) => debug.record(t, type, id, kind, body, traceId),
      traced: (traceId) => debug.traced(traceId),
    },
    debugAutoOffMin: config.DEBUG_MODE_AUTO_OFF_MIN,
  };
}

/**
 * The engine and the chain service need each other (the engine creates a missing root chain on
 * demand; saving a chain invalidates the engine's cache), so both are built together here.
 */
@Injectable()
class RuleEngineHost {
  readonly engine: LocalRuleEngine;
  readonly chains: RuleChainService;

  constructor(
    repo: RuleChainRepository,
    @Inject(APP_CONFIG) config: AppConfig,
    telemetry: TelemetryService,
    integrations: IntegrationService,
    runtime: IntegrationRuntime,
    converters: ConverterRuntime,
    sandbox: Sandbox,
    debug: DebugEventService,
    limits: TenantLimits,
    @Inject(PLATFORM_EVENTS) platform: PlatformEvents,
  ) {
    const source: ChainSource = {
      rootChainId: async (tenantId) => {
        const id = await repo.rootChainId(tenantId);
        if (id) return id;
        await this.chains.createRootChain(tenantId);
        return repo.rootChainId(tenantId);
      },
      loadChain: (tenantId, chainId) => repo.loadChain(tenantId, chainId),
    };
    this.engine = new LocalRuleEngine(
      source,
      nodeRegistry,
      enginePorts(config, telemetry, integrations, runtime, converters, sandbox, debug),
    );
    // a chain saved on another node: this node's compiled chains of that tenant are dropped too
    platform.onCacheChanged('ruleChains', (tenantId) => (tenantId ? this.engine.invalidate(tenantId) : this.engine.invalidateAll()));
    const invalidating = {
      invalidate: (tenantId: string) => {
        this.engine.invalidate(tenantId);
        platform.cacheChanged('ruleChains', tenantId);
      },
    };
    this.chains = new RuleChainService(repo, nodeRegistry, invalidating, config.DEBUG_MODE_AUTO_OFF_MIN, Date.now, (tenantId, id) =>
      integrations.get(tenantId, id).then(
        () => true,
        (e: { status?: number }) => {
          if (e?.status === 404 || e?.status === 400) return false;
          throw e;
        },
      ),
      (tenantId) => limits.checkCreate(tenantId, 'ruleChains'),
    );
  }
}

/**
 * The UPLINK_SINK port (this module owns it): every decoded batch enters the tenant's Root Rule Chain.
 * The engine is looked up at the first batch, not injected: it publishes downlinks through the
 * integration runtime, which takes this sink in its constructor.
 */
const uplinkSinkProvider = {
  provide: UPLINK_SINK,
  inject: [ModuleRef, UPLINK_SINK_WRAP],
  useFactory: (refs: ModuleRef, wrap: UplinkSinkWrap): UplinkSink => {
    let rootChain: RuleChainUplinkSink | null = null;
    return wrap({ handle: (batch) => (rootChain ??= new RuleChainUplinkSink(refs.get(RuleEngine))).handle(batch) });
  },
};

/** Hooks the engine into the platform: a Root Rule Chain for every tenant. */
@Injectable()
class RuleEngineLifecycle implements OnApplicationBootstrap {
  private readonly log = new Logger('rule-engine');

  constructor(
    private readonly chains: RuleChainService,
    @Inject(PLATFORM_EVENTS) platform: PlatformEvents,
  ) {
    // In the constructor, so it is in place before the first tenant is seeded.
    platform.handle('tenantCreated', (tenantId) => this.chains.createRootChain(tenantId));
  }

  async onApplicationBootstrap(): Promise<void> {
    const n = await this.chains.ensureRootChains();
    if (n) this.log.log(`Created the Root Rule Chain of ${n} tenant(s) that had none`);
  }
}

/** Rule chains and the engine; the owner of the UPLINK_SINK port. */
@Module({
  imports: [ClusterModule, ConverterModule, TelemetryModule, DebugEventModule, forwardRef(() => IntegrationModule)],
  controllers: [RuleChainController],
  providers: [
    ...repositories(RuleChainRepository),
    RuleEngineHost,
    { provide: RuleEngine, inject: [RuleEngineHost], useFactory: (h: RuleEngineHost) => h.engine },
    { provide: RuleChainService, inject: [RuleEngineHost], useFactory: (h: RuleEngineHost) => h.chains },
    RuleEngineLifecycle,
    uplinkSinkProvider,
  ],
  exports: [RuleEngine, RuleChainService, UPLINK_SINK],
})
export class RuleEngineModule {}
