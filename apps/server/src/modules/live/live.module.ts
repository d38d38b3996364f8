import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { DeviceService } from '../devices/device.service.js';
import { DebugEventService } from '../events/debug-event.service.js';
import { LiveRoomChecks } from './live.checkers.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { TelemetryService } from '../telemetry/telemetry.service.js';
import { LiveGateway } from './live.gateway.js';
import { ClusterModule } from '../cluster/cluster.module.js';

const ROOM_OF: Record<string, string> = { DEVICE: 'device', INTEGRATION: 'integration', CONVERTER: 'converter', RULE_NODE: 'rulenode' };

/** Socket.io live updates; forwards the platform's events to the rooms that asked for them. */
@Global()
@Module({ imports: [ClusterModule], providers: [LiveGateway, LiveRoomChecks], exports: [LiveGateway] })
export class LiveModule implements OnModuleInit {
  constructor(
    private readonly live: LiveGateway,
    private readonly telemetry: TelemetryService,
    private readonly devices: DeviceService,
    private readonly debug: DebugEventService,
    private readonly integrations: IntegrationRuntime,
    private readonly checkers: LiveRoomChecks,
  ) {}

  onModuleInit(): void {
    this.checkers.register(this.live);
    this.telemetry.events.on('timeseries', (tenantId, deviceId, data) =>
      this.live.emitToDevice(tenantId, deviceId, 'telemetry', { deviceId, data }),
    );
    this.telemetry.events.on('attributes', (tenantId, deviceId, scope, data) =>
      this.live.emitToDevice(tenantId, deviceId, 'attributes', { deviceId, scope, data }),
    );
    for (const event of ['created', 'updated', 'deleted'] as const) {
      this.devices.events.on(event, (device) =>
        this.live.emitToDevice(device.tenantId.id, device.id.id, 'device', { event, device }),
      );
    }
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
