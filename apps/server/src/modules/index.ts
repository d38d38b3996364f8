// Every feature module, one line each. A module that is not listed here does not exist.
// Order matters for routes that share a prefix: literal paths (GET /api/tenant/devices)
// must be registered before parameter paths (GET /api/tenant/:id), so TenantModule is last
// (no module imports it: it would be registered where it is first imported).
// RpcModule comes before IntegrationModule and RuleEngineModule: Nest orders start-up and shutdown
// hooks by import depth, and entering that import cycle at RPC makes the integrations the deepest
// (started first, stopped last), then the rule engine, then RPC (wiring.test.ts checks it).
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
  RpcModule,
  IntegrationModule,
  LiveModule,
  RuleEngineModule,
  DashboardModule,
  TransferModule,
  MetricsModule,
  ActivityModule,
  TenantModule,
];
