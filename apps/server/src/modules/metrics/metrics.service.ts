import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Sandbox } from '@bridgeboard/sandbox';
import { Db } from '../../database/db.js';
import { IntegrationRuntime } from '../integrations/runtime/integration-runtime.js';
import { Metrics } from './metrics.registry.js';
import { RetentionService } from '../retention/retention.service.js';
import { DebugEventService } from '../events/debug-event.service.js';

const PER_INTEGRATION = ['tenant', 'integration'] as const;

/**
 * The series read at scrape time from what the platform already counts (integration counters, the
 * sandbox pool, the Postgres pool): nothing on the message path. Each collect starts from an empty
 * series set, so a deleted integration (forgotten by the runtime) or a drained tenant queue
 * disappears with it: cardinality is bounded by the integrations and tenants that exist.
 * Labels are ids, not names: names change, ids do not.
 */
@Injectable()
export class MetricsService {
  constructor(metrics: Metrics, runtime: IntegrationRuntime, sandbox: Sandbox, db: Db, retention: RetentionService, debug: DebugEventService) {
    const registers = [metrics.registry];
    const rows = () => runtime.metricsRows();
    new Counter({
      name: 'bridgeboard_integration_uplink_messages_total',
      help: 'Uplink messages received by an integration since the platform started (before decoding)',
      labelNames: PER_INTEGRATION,
      registers,
      collect() {
        this.reset();
        for (const r of rows()) this.inc({ tenant: r.tenantId, integration: r.integrationId }, r.messagesIn);
      },
    });
    new Counter({
      name: 'bridgeboard_integration_uplink_errors_total',
      help: "Uplink errors by kind: converter (script failed, result refused, or a warning or sequence gap), a limit's name (messageSize, keysPerMessage, keysPerDevice, newDevicesPerMinute, devicesPerTenant), quarantined, unavailable (a batch attempt failed: database or sandbox away)",
      labelNames: [...PER_INTEGRATION, 'kind'],
      registers,
      collect() {
        this.reset();
        for (const r of rows())
          for (const [kind, n] of Object.entries(r.uplinkErrors))
            this.inc({ tenant: r.tenantId, integration: r.integrationId, kind }, n);
      },
    });
    new Counter({
      name: 'bridgeboard_integration_downlink_messages_total',
      help: 'Downlink messages an integration published (acknowledged by the broker) since the platform started',
      labelNames: PER_INTEGRATION,
      registers,
      collect() {
        this.reset();
        for (const r of rows()) this.inc({ tenant: r.tenantId, integration: r.integrationId }, r.messagesOut);
      },
    });
    new Gauge({
      name: 'bridgeboard_integration_connected',
      help: 'Whether the integration is connected to its broker (1) or not (0: connecting, failed or disabled)',
      labelNames: PER_INTEGRATION,
      registers,
      collect() {
        this.reset();
        for (const r of rows())
          this.set({ tenant: r.tenantId, integration: r.integrationId }, r.connected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'bridgeboard_integration_last_message_age_seconds',
      help: 'Seconds since the integration last received an uplink (absent until its first one since the platform started)',
      labelNames: PER_INTEGRATION,
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const r of rows())
          if (r.lastMessageTime !== null)
            this.set({ tenant: r.tenantId, integration: r.integrationId }, (now - r.lastMessageTime) / 1000);
      },
    });
    new Gauge({
      name: 'bridgeboard_sandbox_queue_depth',
      help: 'Script calls of a tenant waiting for or running in the sandbox (a tenant is refused at SANDBOX_TENANT_QUEUE)',
      labelNames: ['tenant'],
      registers,
      collect() {
        this.reset();
        for (const [tenant, n] of Object.entries(sandbox.status().queuedByTenant)) this.set({ tenant }, n);
      },
    });
    new Counter({
      name: 'bridgeboard_debug_events_dropped_total',
      help: "Debug events not stored because their tenant already had DEBUG_EVENTS_TENANT_BUFFER waiting to be written (reason tenant_share) or the buffer all tenants share was full (buffer_full)",
      labelNames: ['tenant', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const [tenant, d] of debug.shares.dropped)
          for (const [reason, n] of Object.entries(d)) if (n) this.inc({ tenant, reason }, n);
      },
    });
    let restarts = 0;
    new Counter({
      name: 'bridgeboard_sandbox_worker_restarts_total',
      help: 'Sandbox worker processes replaced after a crash, a memory cap or a stuck script',
      registers,
      collect() {
        const now = sandbox.status().restarts;
        if (now > restarts) this.inc(now - restarts);
        restarts = now;
      },
    });
    const pool = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    pool(
      'bridgeboard_db_pool_connections',
      'Postgres connections open in the pool (busy and idle)',
      () => db.pool.totalCount,
    );
    pool(
      'bridgeboard_db_pool_idle_connections',
      'Postgres connections open in the pool and idle',
      () => db.pool.idleCount,
    );
    pool(
      'bridgeboard_db_pool_waiting_requests',
      'Queries waiting for a free Postgres connection (the pool is exhausted when this stays above 0)',
      () => db.pool.waitingCount,
    );
    new Gauge({
      name: 'bridgeboard_partition_default_rows',
      help: "Rows of a time-partitioned table (ts_kv, …) outside every partition, in its default partition (kept and readable; counted by the hourly upkeep, up to 1,000,000)",
      labelNames: ['table'],
      registers,
      collect() {
        this.reset();
        for (const [table, n] of retention.outside) this.set({ table }, n);
      },
    });
  }
}
