// Every feature module, one line each. A module that is not listed here does not exist.
// Order matters for routes that share a prefix: literal paths (GET /api/tenant/devices)
// must be registered before parameter paths (GET /api/tenant/:id), so TenantModule is last.
import { ActivityModule } from './activity/activity.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ConverterModule } from './converters/converter.module.js';
import { DashboardModule } from './dashboards/dashboard.module.js';
import { DebugEventModule } from './events/debug-event.module.js';
import { DeviceModule } from './devices/device.module.js';
import { HealthModule } from './health/health.module.js';
import { TenantModule } from './tenants/tenant.module.js';
import { TelemetryModule } from './telemetry/telemetry.module.js';
import { IntegrationModule } from './integrations/integration.module.js';
import { LiveModule } from './live/live.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RuleEngineModule } from './rule-engine/rule-engine.module.js';
import { TransferModule } from './transfer/transfer.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { RpcModule } from './rpc/rpc.module.js';

export const featureModules = [
  AuthModule,
  HealthModule,
  RetentionModule,
  DebugEventModule,
  ConverterModule,
  DeviceModule,
  TelemetryModule,
  IntegrationModule,
  LiveModule,
  RuleEngineModule,
  RpcModule,
  DashboardModule,
  TransferModule,
  MetricsModule,
  ActivityModule,
  TenantModule,
];
