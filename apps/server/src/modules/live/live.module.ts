import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { LIVE_PUSH_DEBUG_EVENT, type AttributeScope, type LivePushDebugEventBody } from '@bridgeboard/contracts';
import { LIVE_ROOM_CHECKERS, PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';
import { DebugEventService } from '../events/debug-event.service.js';
import { LiveRoomChecks } from './live.checkers.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { TelemetryService } from '../telemetry/telemetry.service.js';
import { LiveGateway } from './live.gateway.js';
import { ClusterModule } from '../cluster/cluster.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { DeviceModule } from '../devices/device.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { IntegrationModule } from '../integrations/integration.module.js';
import { DebugEventModule } from '../events/debug-event.module.js';

const ROOM_OF: Record<string, string> = { DEVICE: 'device', INTEGRATION: 'integration', CONVERTER: 'converter', RULE_NODE: 'rulenode' };

/** Socket.io live updates; forwards the platform's events to the rooms that asked for them. */
@Module({ imports: [ClusterModule, AuthModule, DeviceModule, TelemetryModule, IntegrationModule, DebugEventModule], providers: [LiveGateway, { provide: LIVE_ROOM_CHECKERS, useClass: LiveRoomChecks }], exports: [LiveGateway] })
export class LiveModule implements OnModuleInit {
  constructor(
    private readonly live: LiveGateway,
    private readonly telemetry: TelemetryService,
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
    private readonly debug: DebugEventService,
    private readonly integrations: IntegrationRuntime,
  ) {}

  onModuleInit(): void {
    this.telemetry.events.on('timeseries', (tenantId, deviceId, data, traceIds) => {
      this.live.emitToDevice(tenantId, deviceId, 'telemetry', { deviceId, data });
      if (traceIds) this.pushed(tenantId, deviceId, traceIds, 'telemetry', Object.keys(data));
    });
    this.telemetry.events.on('attributes', (tenantId, deviceId, scope, data, traceIds) => {
      this.live.emitToDevice(tenantId, deviceId, 'attributes', { deviceId, scope, data });
      if (traceIds) this.pushed(tenantId, deviceId, traceIds, 'attributes', data.map((a) => a.key), scope);
    });
    const deviceEvents = [['deviceCreated', 'created'], ['deviceUpdated', 'updated'], ['deviceDeleted', 'deleted']] as const;
    for (const [name, event] of deviceEvents)
      this.platform.on(name, (device) => this.live.emitToDevice(device.tenantId.id, device.id.id, 'device', { event, device }));
    this.integrations.events.on('status', (tenantId, integrationId, status) =>
      this.live.emitToRoom(tenantId, [`integration:${integrationId}`, 'tenant'], 'integrationStatus', { integrationId, ...status }),
    );
    this.debug.events.on('recorded', (tenantId, event) => {
      const room = ROOM_OF[event.entityId.entityType];
      if (!room) return;
      this.live.emitToRoom(tenantId, `${room}:${event.entityId.id}`, 'debugEvent', {
        entityType: event.entityId.entityType,
        entityId: event.entityId.id,
        event,
      });
    });
  }

  /**
   * The live push of a traced uplink's data, as one DEBUG_LIVE event of the device per trace. Only
   * messages somebody debugs carry their trace this far (the Save nodes ask DebugEventService.traced),
   * so nothing is recorded while nobody debugs. What THIS node sent: in a cluster, other nodes with
   * a socket in the rooms got the event through the Postgres adapter and are only counted.
   */
  private pushed(
    tenantId: string,
    deviceId: string,
    traceIds: string[],
    event: LivePushDebugEventBody['event'],
    keys: string[],
    scope?: AttributeScope,
  ): void {
    // who got it is read now, as it is sent; the event is recorded after the commit's own step (the Save
    // nodes' Success, told as the save resolves), so a journey reads: saved, then pushed
    const a = this.live.audience(tenantId, [`device:${deviceId}`, 'tenant']);
    const body: LivePushDebugEventBody = { type: 'LIVE', event, keys, ...(scope ? { scope } : {}), ...a, node: this.live.nodeId };
    setImmediate(() => {
      for (const traceId of new Set(traceIds)) this.debug.record(tenantId, 'DEVICE', deviceId, LIVE_PUSH_DEBUG_EVENT, { ...body }, traceId);
    });
  }
}
