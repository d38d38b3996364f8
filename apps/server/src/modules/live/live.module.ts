import { Inject, Module, type OnModuleInit } from '@nestjs/common';
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
    this.telemetry.events.on('timeseries', (tenantId, deviceId, data) =>
      this.live.emitToDevice(tenantId, deviceId, 'telemetry', { deviceId, data }),
    );
    this.telemetry.events.on('attributes', (tenantId, deviceId, scope, data) =>
      this.live.emitToDevice(tenantId, deviceId, 'attributes', { deviceId, scope, data }),
    );
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
}
