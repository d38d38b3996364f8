import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { DebugEventBody, Device, IntegrationConnectionState, IntegrationStatus } from '@bridgeboard/contracts';
import { APP_CONFIG, type AppConfig } from '../../../config/config.js';
import { DeviceRepository } from '../../devices/device.repository.js';
import { DebugEventService } from '../../events/debug-event.service.js';
import { debugModeActive } from '../../events/debug-mode.js';
import { TelemetryService } from '../../telemetry/telemetry.service.js';
import { ErrorCode } from '../../../common/errors.js';
import { IntegrationError } from '../integration.errors.js';
import { IntegrationRepository, type StoredIntegration } from '../integration.repository.js';
import { MqttConnection, UnacknowledgedPublish, type ConnectionSettings } from './mqtt-connection.js';
import { CONVERTER_PORT, INTEGRATION_ELSEWHERE, type ConverterPort, type IntegrationElsewhere, type UplinkMessage, type UplinkSink } from './ports.js';
import { PLATFORM_EVENTS, RPC_RESPONSE_HANDLER, UPLINK_SINK, type PlatformEvents, type RpcResponseHandler } from '../../../common/ports.js';
import { describePayload, isDataError, UplinkPipeline, type PipelineDeps } from './uplink-pipeline.js';
import { DeviceNameCache } from './device-cache.js';
import { QuarantineRepository } from '../quarantine.repository.js';
import { effectiveClientId } from '../integration.identity.js';
import { DestinationPolicy } from '../../../common/destinations.js';
import { RESERVED_TOPIC_PREFIX } from '@bridgeboard/contracts';
import { tenantLimitText } from '../../../common/tenant-limits.js';
import { PerMinuteBudget } from './uplink-limits.js';
import { IntegrationStatsRepository, type CounterDelta, type StoredCounters } from './integration-stats.js';
import { Metrics } from '../../metrics/metrics.registry.js';
import { SilenceWatch } from './silence-watch.js';
import {
  deltaOf,
  firstRateMinute,
  newCounters,
  NO_STORED_COUNTERS,
  ratesOf,
  restoreCounters,
  storedOf,
  type Counters,
  type IntegrationMetrics,
} from './integration-counters.js';
import { RawArchiveRepository } from '../archive/raw-archive.repository.js';
import { archiveRows } from './uplink-archive.js';

/** What the runtime runs for one integration; a later clustered runner ($share groups) implements the same. */
export interface IntegrationRunner {
  start(): void;
  stop(): Promise<void>;
  /** Resolves once the broker has the message (PUBACK at QoS 1); rejects with UnacknowledgedPublish when that is unknown. */
  publish(topic: string, payload: Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<void>;
  readonly state: IntegrationConnectionState;
  /** the session it connects with, and what it subscribes there (its filters, its heartbeat topic) */
  readonly clientId: string;
  readonly filters: string[];
  readonly heartbeatTopic: string;
}

interface Running {
  stored: StoredIntegration;
  runner: IntegrationRunner;
  pipeline: UplinkPipeline;
}

const STATUS_PUSH_MS = 250;
/**
 * How often counters are written to Postgres (and once more at shutdown): what a SIGKILLed node counted since
 * is lost. One statement a second for all the integrations whose counters moved (about 20 ms for 200 of them on
 * a busy 2-core machine), off the uplink path.
 */
const STATS_FLUSH_MS = 1000;

/**
 * Keeps one broker connection per enabled integration, feeds its messages through the uplink
 * pipeline into the sink, and tracks status and counters (pushed as 'status' events).
 */
@Injectable()
export class IntegrationRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('integrations');
  /** issue 19: every uplink kept raw (null when RAW_RETENTION_DAYS = 0) */
  readonly archive: RawArchiveRepository | null;
  private readonly running = new Map<string, Running>();
  private readonly counters = new Map<string, Counters>();
  /** the counters as last written (or loaded): a flush writes the difference */
  private readonly flushed = new Map<string, StoredCounters>();
  private statsTimer: NodeJS.Timeout | null = null;
  private statsFlush: Promise<void> = Promise.resolve();
  /** the last error writing counters (said once, not every second of a database outage) */
  private statsFailing: string | null = null;
  private readonly pushTimers = new Map<string, NodeJS.Timeout>();
  /** per integration: INTEGRATION_MAX_NEW_DEVICES_PER_MIN (kept across restarts of the integration) */
  private readonly newDevices = new Map<string, PerMinuteBudget>();
  private readonly deviceCache: DeviceNameCache;
  private destroyed = false;
  private readonly destinations: DestinationPolicy;
  /** 'status' (tenantId, integrationId, status) whenever state or counters change (throttled). */
  readonly events = new EventEmitter<{ status: [string, string, IntegrationStatus]; uplinks: [UplinkMessage[]] }>();

  constructor(
    private readonly repo: IntegrationRepository,
    private readonly stats: IntegrationStatsRepository,
    readonly quarantine: QuarantineRepository,
    archive: RawArchiveRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CONVERTER_PORT) private readonly converters: ConverterPort,
    private readonly devices: DeviceRepository,
    private readonly telemetry: TelemetryService,
    private readonly debug: DebugEventService,
    private readonly metrics: Metrics,
    @Inject(UPLINK_SINK) private readonly sink: UplinkSink,
    @Inject(RPC_RESPONSE_HANDLER) private readonly rpcHandler: RpcResponseHandler,
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
    @Optional() @Inject(INTEGRATION_ELSEWHERE) private readonly elsewhere: IntegrationElsewhere | null = null,
  ) {
    this.archive = config.RAW_RETENTION_DAYS > 0 ? archive : null;
    this.destinations = new DestinationPolicy(config.INTEGRATION_DENY_HOSTS);
    this.deviceCache = new DeviceNameCache((t, wanted, limits) => this.devices.findOrCreate(t, wanted, undefined, limits));
    // a device renamed or deleted (here, or on another node): found again by name on its next uplink
    platform.on('deviceUpdated', (d) => this.deviceCache.forget(d));
    platform.on('deviceDeleted', (d) => this.deviceCache.forget(d));
    platform.onCacheChanged('device', (key) => (key ? this.deviceCache.forget(JSON.parse(key) as Device) : this.deviceCache.clear()));
  }

  /** Which integrations run here is the cluster's decision (cluster/integration-placement.ts); with one node, all. */
  async onApplicationBootstrap(): Promise<void> {
    await this.ready();
  }

  private loading: Promise<void> | null = null;
  /** The counters kept in Postgres are loaded (once) and written every STATS_FLUSH_MS from then on. */
  ready(): Promise<void> {
    this.loading ??= (async () => {
      const t = Date.now();
      for (const [id, s] of await this.stats.all()) {
        const c = newCounters();
        restoreCounters(c, s, t);
        this.counters.set(id, c);
        this.flushed.set(id, storedOf(c, t));
      }
      this.statsTimer = setInterval(() => void this.flushStats(), STATS_FLUSH_MS);
      this.statsTimer.unref();
    })();
    return this.loading;
  }

  /** Integrations running in this process. */
  runningIds(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Starts an integration another node ran until now: its counters are read again first (that node
   * added to them in Postgres), so the status goes on from the cluster's figures.
   */
  async adopt(stored: StoredIntegration): Promise<void> {
    const id = stored.integration.id.id;
    await this.flushStats();
    const s = (await this.stats.all([id])).get(id);
    if (s) {
      const t = Date.now();
      const mine = this.countersOf(id);
      restoreCounters(mine, s, t);
      this.flushed.set(id, storedOf(mine, t));
    }
    await this.apply(stored);
  }

  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    await Promise.all([...this.running.keys()].map((id) => this.remove(id)));
    this.pushTimers.forEach((t) => clearTimeout(t));
    if (this.statsTimer) clearInterval(this.statsTimer);
    await this.flushStats();
  }

  /** Writes what the counters gained since the last write; a failed write is retried with the next one. */
  flushStats(): Promise<void> {
    this.statsFlush = this.statsFlush.then(async () => {
      const deltas: CounterDelta[] = [];
      const now = new Map<string, StoredCounters>();
      const t = Date.now();
      for (const [id, c] of this.counters) {
        const s = storedOf(c, t);
        const delta = deltaOf(id, s, this.flushed.get(id) ?? NO_STORED_COUNTERS);
        if (!delta) continue;
        now.set(id, s);
        deltas.push(delta);
      }
      try {
        await this.stats.add(deltas, firstRateMinute(t));
        for (const [id, c] of now) this.flushed.set(id, c);
        if (this.statsFailing) this.log.log('Integration counters are saved again');
        this.statsFailing = null;
      } catch (e) {
        const text = (e as Error).message;
        if (text !== this.statsFailing) this.log.warn(`Could not save integration counters (kept, tried again every ${STATS_FLUSH_MS / 1000} s): ${text}`);
        this.statsFailing = text;
      }
    });
    return this.statsFlush;
  }

  /** (Re)starts an integration after it was saved; stops it when disabled. */
  async apply(stored: StoredIntegration): Promise<void> {
    const id = stored.integration.id.id;
    const before = this.running.get(id);
    await this.remove(id);
    if (!stored.integration.enabled || this.destroyed) return;
    this.countersOf(id).tenantId = stored.integration.tenantId.id;
    const pipeline = this.pipeline(stored);
    const settings = this.settings(stored);
    // the same persistent session: what the configuration it ran with subscribed and this one does not goes
    if (before?.runner.clientId === settings.clientId) {
      const now = new Set(settings.filters.map((f) => f.filter));
      settings.unsubscribe = [
        ...before.runner.filters.filter((f) => !now.has(f)),
        before.runner.heartbeatTopic,
      ];
    }
    const runner = new MqttConnection(settings, {
      message: (m) => pipeline.enqueue(m),
      state: (state, error) => this.onState(stored, state, error),
      retry: (attempt, delayMs) => this.log.log(`Integration '${stored.integration.name}': reconnecting in ${delayMs} ms (attempt ${attempt})`),
    });
    this.running.set(id, { stored, runner, pipeline });
    const c = this.countersOf(id);
    c.silence = this.silenceWatch(stored, runner);
    c.silence?.start();
    this.quarantine.count(stored.integration.tenantId.id, id).then(
      (n) => {
        this.countersOf(id).quarantined = n;
        this.push(stored);
      },
      (e: Error) => this.log.warn(`Integration '${stored.integration.name}': could not count its quarantine: ${e.message}`),
    );
    runner.start();
  }

  async remove(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    const c = this.countersOf(id);
    c.silence?.stop();
    c.silence = null;
    await r.pipeline.stop();
    await r.runner.stop();
  }

  /** Stops a deleted integration and drops its counters (and so its /metrics series: cardinality stays bounded). */
  async forget(id: string): Promise<void> {
    await this.remove(id);
    this.counters.delete(id);
    this.newDevices.delete(id);
  }

  /** Stops every integration of a tenant (before the tenant is deleted). */
  async stopTenant(tenantId: string): Promise<void> {
    const ids = [...this.counters].filter(([, c]) => c.tenantId === tenantId).map(([id]) => id);
    await Promise.all(ids.map((id) => this.forget(id)));
  }

  /** Every integration run in this process since start and not deleted since (GET /metrics). */
  *metricsRows(): Generator<IntegrationMetrics> {
    for (const [id, c] of this.counters) {
      if (!c.tenantId) continue;
      const { messagesIn, messagesOut, lastMessageTime, uplinkErrors } = c;
      const connected = this.running.get(id)?.runner.state === 'CONNECTED';
      yield { tenantId: c.tenantId, integrationId: id, messagesIn, messagesOut, connected, lastMessageTime, uplinkErrors };
    }
  }

  status(_tenantId: string, id: string): IntegrationStatus {
    const r = this.running.get(id);
    if (!r) {
      const remote = this.elsewhere?.status(id);
      if (remote) return remote;
    }
    const c = this.countersOf(id);
    return {
      status: r ? (c.silence?.isSilent && r.runner.state === 'CONNECTED' ? 'SILENT' : r.runner.state) : 'DISCONNECTED',
      messagesIn: c.messagesIn,
      messagesOut: c.messagesOut,
      errors: c.errors,
      lastMessageTime: c.lastMessageTime,
      lastError: c.lastError,
      quarantined: c.quarantined,
      ...(Object.keys(c.refused).length ? { refused: { ...c.refused } } : {}),
      rates: ratesOf(c, Date.now()),
    };
  }

  /** `traceId`: the RPC's (or rule message's) trace, carried by the Downlink debug event. */
  async publish(
    tenantId: string,
    integrationId: string,
    topic: string,
    payload: Buffer,
    opts: { qos?: 0 | 1 | 2; retain?: boolean; traceId?: string } = {},
  ): Promise<void> {
    const r = this.running.get(integrationId);
    if (!r) {
      // another node of the cluster runs it: that node publishes, counts and records
      const remote = this.elsewhere?.publish(tenantId, integrationId, topic, payload, opts);
      if (remote) return remote;
    }
    if (!r || r.stored.integration.tenantId.id !== tenantId) {
      const s = await this.repo.find(tenantId, integrationId);
      if (!s) throw IntegrationError.notFound(integrationId);
      throw IntegrationError.notConnected(s.integration.name, s.integration.enabled ? 'DISCONNECTED' : 'DISCONNECTED (disabled)');
    }
    if (r.runner.state !== 'CONNECTED') throw IntegrationError.notConnected(r.stored.integration.name, r.runner.state);
    // the platform's own topics (heartbeats): a downlink there could keep another integration's dead link looking alive
    if (topic.startsWith(RESERVED_TOPIC_PREFIX))
      throw IntegrationError.badField('topic', `'${topic}' starts with '${RESERVED_TOPIC_PREFIX}', which the platform reserves for itself`);
    const retain = opts.retain ?? r.stored.integration.configuration.clientConfiguration.retainedMessage;
    try {
      await r.runner.publish(topic, payload, { qos: opts.qos ?? 1, retain });
    } catch (e) {
      const error = (e as Error).message;
      this.bump(r.stored, 'errors', error);
      this.record(r.stored, { type: 'Downlink', topic, ...describePayload(payload), status: 'ERROR', error }, true, opts.traceId);
      // 409 either way: a persistent RPC goes back to QUEUED and is sent again (at least once)
      if (e instanceof UnacknowledgedPublish)
        throw new IntegrationError(409, ErrorCode.CONFLICT, `Integration '${r.stored.integration.name}' could not confirm the message: ${error} (it may or may not reach the device)`);
      throw IntegrationError.notConnected(r.stored.integration.name, `ERROR: ${error}`);
    }
    this.bump(r.stored, 'messagesOut');
    this.record(r.stored, { type: 'Downlink', topic, out: payload.toString('utf8'), ...describePayload(payload), status: 'OK' }, false, opts.traceId);
  }

  private settings(s: StoredIntegration): ConnectionSettings {
    const cc = s.integration.configuration.clientConfiguration;
    const creds = cc.credentials;
    const cert = creds.type === 'cert.PEM' ? creds : null;
    return {
      host: cc.host,
      port: cc.port,
      tls: cc.ssl || creds.type === 'cert.PEM',
      clientId: effectiveClientId(s),
      cleanSession: cc.cleanSession,
      connectTimeoutMs: cc.connectTimeoutSec * 1000,
      username: creds.type === 'basic' ? creds.username : undefined,
      password: creds.type === 'basic' ? s.secrets.password : undefined,
      ca: cert?.caCert || undefined,
      cert: cert?.cert || undefined,
      key: s.secrets.privateKey || undefined,
      passphrase: s.secrets.privateKeyPassword || undefined,
      filters: s.integration.configuration.topicFilters.map((f) => ({ filter: f.filter, qos: f.qos as 0 | 1 | 2 })),
      heartbeatMs: this.config.INTEGRATION_HEARTBEAT_SEC * 1000,
      maxPayloadBytes: this.maxBytes(s).bytes,
      resolve: this.destinations.active ? (host, port) => this.destinations.resolve(host, port) : undefined,
      backoff: { minMs: this.config.INTEGRATION_RECONNECT_MIN_MS, maxMs: this.config.INTEGRATION_RECONNECT_MAX_MS },
    };
  }

  /** The integration's maxBytesInMessage, but never above the platform's INTEGRATION_MAX_MESSAGE_BYTES. */
  private maxBytes(s: StoredIntegration): { bytes: number; name: string } {
    const own = s.integration.configuration.clientConfiguration.maxBytesInMessage;
    const platform = this.config.INTEGRATION_MAX_MESSAGE_BYTES;
    return own <= platform ? { bytes: own, name: 'maxBytesInMessage' } : { bytes: platform, name: 'the platform limit INTEGRATION_MAX_MESSAGE_BYTES' };
  }

  /**
   * Issue 19: the integration's uplink path (decode in batches, devices found or created, the rule
   * engine, acknowledged after commit) for messages stored earlier (replay, quarantine reprocessing),
   * with the caller's hooks; null when the integration no longer exists in the tenant.
   */
  async pastPipeline(tenantId: string, integrationId: string, hooks: Partial<PipelineDeps>): Promise<UplinkPipeline | null> {
    const s = await this.repo.find(tenantId, integrationId);
    // past messages are data, not live traffic: no counters, no archive, no device activity at replay time,
    // and an rpcResponse they carry answered its call long ago
    return s
      ? this.pipeline(s, { received: () => undefined, committed: () => undefined, archive: undefined, stored: undefined, rpc: () => null, ...hooks })
      : null;
  }

  /** Counts the integration's quarantine again (after messages left it) and pushes the status. */
  async recountQuarantine(tenantId: string, integrationId: string): Promise<void> {
    this.countersOf(integrationId).quarantined = await this.quarantine.count(tenantId, integrationId);
    const r = this.running.get(integrationId);
    if (r) this.push(r.stored, true);
  }

  private pipeline(stored: StoredIntegration, hooks: Partial<PipelineDeps> = {}): UplinkPipeline {
    const i = stored.integration;
    return new UplinkPipeline(
      {
        tenantId: i.tenantId.id,
        id: i.id.id,
        name: i.name,
        converterId: i.defaultConverterId.id,
        metadata: i.configuration.metadata ?? {},
        maxBytes: this.maxBytes(stored).bytes,
        maxBytesName: this.maxBytes(stored).name,
        maxValuesPerMessage: this.config.TELEMETRY_MAX_KEYS_PER_MESSAGE,
        sequenceKey: i.configuration.metadata?.sequenceKey || undefined,
        poisonAttempts: this.config.SANDBOX_POISON_ATTEMPTS,
        trace: this.config.TRACE_MESSAGES,
      },
      {
        converters: this.converters,
        findOrCreate: (t, wanted) => this.findOrCreateLimited(stored, wanted),
        validate: (r) => this.telemetry.validate(r),
        sink: () => this.sink,
        rpc: () => (tenantId, deviceId, r, traceId) => this.rpcHandler.onResponse(tenantId, deviceId, r, traceId),
        deviceCreated: (d) => this.platform.emit('deviceCreated', d),
        stored: (msgs) => this.events.emit('uplinks', msgs),
        committed: (receivedAt) => {
          if (this.metrics.enabled) this.metrics.uplinkCommit.observe((Date.now() - receivedAt) / 1000);
        },
        received: (n) => {
          const c = this.countersOf(i.id.id);
          c.messagesIn += n;
          c.lastMessageTime = Date.now();
          c.rateIn.add(n, c.lastMessageTime);
          c.silence?.heard();
          this.push(stored);
        },
        failed: (m, metadata, error, limit) => {
          const c = this.countersOf(i.id.id);
          if (limit) c.refused[limit] = (c.refused[limit] ?? 0) + 1;
          const kind = limit ?? 'converter';
          c.uplinkErrors[kind] = (c.uplinkErrors[kind] ?? 0) + 1;
          this.bump(stored, 'errors', error);
          this.record(stored, { type: 'Uplink', ...describePayload(m.payload), metadata, status: 'ERROR', error }, true, m.traceId);
        },
        debugging: (msgs) => {
          if (this.config.TRACE_MESSAGES && this.debugActive(stored)) for (const m of msgs) if (m.traceId) this.debug.traceDebugged(m.traceId);
        },
        // describePayload decodes and parses the payload: only worth it when the event is kept
        succeeded: (m, metadata) => {
          if (this.debugActive(stored)) this.record(stored, { type: 'Uplink', ...describePayload(m.payload), metadata, status: 'OK' }, false, m.traceId);
        },
        // a batch the archive refuses (a data error) is still stored and acknowledged: the archive must not stall uplinks
        archive: this.archive
          ? (items) =>
              this.archive!.add(archiveRows(i, items)).catch((e: unknown) => {
                if (!isDataError(e)) throw e;
                this.log.warn(`Integration '${i.name}': ${items.length} message(s) not archived: ${(e as Error).message}`);
              })
          : undefined,
        quarantine: async (all) => {
          // a quarantine has room for QUARANTINE_MAX_PER_INTEGRATION messages: a suspended converter under a
          // stream of large messages must not fill the shared database; beyond it a message is only reported
          const room = Math.max(0, this.config.QUARANTINE_MAX_PER_INTEGRATION - this.countersOf(i.id.id).quarantined);
          const items = all.slice(0, room);
          for (const q of all.slice(room)) {
            if (q.reported) continue; // its error was reported already
            const error = `Quarantine full (${this.config.QUARANTINE_MAX_PER_INTEGRATION} messages, QUARANTINE_MAX_PER_INTEGRATION); message dropped: ${q.error}`;
            this.bump(stored, 'errors', error);
            this.record(stored, { type: 'Uplink', ...describePayload(q.m.payload), metadata: q.metadata, status: 'ERROR', error }, true, q.m.traceId);
          }
          if (!items.length) return;
          await this.quarantine.add(
            items.map((q) => ({
              tenantId: i.tenantId.id,
              integrationId: i.id.id,
              converterId: i.defaultConverterId.id,
              topic: q.m.topic,
              payload: q.m.payload,
              metadata: q.metadata,
              error: q.error,
              errorCode: q.code,
              attempts: q.attempts,
              receivedTime: q.m.receivedAt ?? Date.now(),
            })),
          );
          const c = this.countersOf(i.id.id);
          c.quarantined += items.length;
          // a script error or refused result kept here was counted as a 'converter' error already
          const unreported = items.filter((q) => !q.reported).length;
          if (unreported) c.uplinkErrors.quarantined = (c.uplinkErrors.quarantined ?? 0) + unreported;
          this.push(stored);
          for (const q of items) {
            if (q.reported) continue;
            const error = `Message quarantined (kept, acknowledged, not decoded): ${q.error}`;
            this.bump(stored, 'errors', error);
            this.record(stored, { type: 'Uplink', ...describePayload(q.m.payload), metadata: q.metadata, status: 'ERROR', error }, true, q.m.traceId);
          }
        },
        storageProblem: (error) => {
          const c = this.countersOf(i.id.id);
          // one per failed attempt to store or decode a batch for the platform's own reasons (database or sandbox away)
          if (error) c.uplinkErrors.unavailable = (c.uplinkErrors.unavailable ?? 0) + 1;
          if (error) this.log.warn(`Integration '${i.name}': ${error}`);
          c.lastError = error;
          this.push(stored);
        },
        ...hooks,
      },
    );
  }

  /** Raises SILENT (an ERROR event) after silenceAlertMin without an uplink while connected; the next uplink clears it. */
  private silenceWatch(stored: StoredIntegration, runner: IntegrationRunner): SilenceWatch | null {
    const min = stored.integration.configuration.silenceAlertMin;
    if (!min) return null;
    const c = this.countersOf(stored.integration.id.id);
    const since = Date.now();
    return new SilenceWatch(
      min * 60_000,
      () => ({ lastMessageTime: Math.max(c.lastMessageTime ?? 0, since), connected: runner.state === 'CONNECTED' }),
      (silent, quietMs) => {
        const name = stored.integration.name;
        if (silent) {
          const error = `No uplink for ${Math.round(quietMs / 1000)} s, longer than the ${min} minute(s) this integration expects (silenceAlertMin); check the devices and the topic filters`;
          c.lastError = error;
          this.log.warn(`Integration '${name}': ${error}`);
          this.record(stored, { type: 'Status', status: 'SILENT', error }, true);
        } else {
          this.log.log(`Integration '${name}': uplinks arrive again after a silence`);
          this.record(stored, { type: 'Status', status: 'CONNECTED', message: 'Uplinks arrive again; no longer SILENT' }, true);
        }
        this.push(stored, true);
      },
    );
  }

  /** Devices an integration's uplinks name, created within INTEGRATION_MAX_NEW_DEVICES_PER_MIN and TENANT_MAX_DEVICES. */
  private async findOrCreateLimited(stored: StoredIntegration, wanted: { name: string; type: string }[]) {
    const i = stored.integration;
    let budget = this.newDevices.get(i.id.id);
    if (!budget) this.newDevices.set(i.id.id, (budget = new PerMinuteBudget(this.config.INTEGRATION_MAX_NEW_DEVICES_PER_MIN)));
    const maxNew = budget.available();
    const maxTotal = this.config.TENANT_MAX_DEVICES;
    const r = await this.deviceCache.findOrCreate(i.tenantId.id, wanted, { maxNew, maxTotal });
    budget.take(r.created.length);
    if (wanted.every((w) => r.devices.has(w.name))) return r;
    const perMinute = r.created.length >= maxNew;
    const refused = perMinute
      ? { kind: 'newDevicesPerMinute' as const, why: `integration '${i.name}' may create at most ${this.config.INTEGRATION_MAX_NEW_DEVICES_PER_MIN} new devices a minute (INTEGRATION_MAX_NEW_DEVICES_PER_MIN)` }
      : { kind: 'devicesPerTenant' as const, why: tenantLimitText('devices', maxTotal) };
    return { ...r, refused };
  }

  private onState(stored: StoredIntegration, state: IntegrationConnectionState, error: string | null): void {
    if (error) {
      // a connection error is an error like a bad message: the header's count matches the Events tab
      const c = this.countersOf(stored.integration.id.id);
      c.lastError = error;
      c.errors++;
      c.rateErrors.add(1, Date.now());
      this.log.warn(`Integration '${stored.integration.name}': ${error}`);
    }
    this.record(stored, { type: 'Status', status: state, ...(error ? { error } : {}) }, !!error);
    this.push(stored, true);
  }

  /** Records a DEBUG_INTEGRATION event while debug mode is on; errors always. */
  private record(stored: StoredIntegration, body: DebugEventBody, isError: boolean, traceId?: string): void {
    const i = stored.integration;
    if (!isError && !this.debugActive(stored)) return;
    this.debug.record(i.tenantId.id, 'INTEGRATION', i.id.id, 'DEBUG_INTEGRATION', body, traceId);
  }

  private debugActive(stored: StoredIntegration): boolean {
    const i = stored.integration;
    if (!i.debugMode) return false;
    if (debugModeActive({ debugMode: true, since: i.debugModeSince, pinned: i.debugModePinned }, this.config.DEBUG_MODE_AUTO_OFF_MIN, Date.now()))
      return true;
    i.debugMode = false;
    this.repo.debugOff(i.tenantId.id, i.id.id).catch((e: Error) => this.log.warn(`Could not switch debug mode off: ${e.message}`));
    return false;
  }

  private countersOf(id: string): Counters {
    let c = this.counters.get(id);
    if (!c) this.counters.set(id, (c = newCounters()));
    return c;
  }

  private bump(stored: StoredIntegration, k: 'messagesOut' | 'errors', error?: string): void {
    const c = this.countersOf(stored.integration.id.id);
    c[k]++;
    if (k === 'errors') c.rateErrors.add(1, Date.now());
    if (error) c.lastError = error;
    this.push(stored);
  }

  /** Emits the status at most every STATUS_PUSH_MS per integration (state changes at once). */
  private push(stored: StoredIntegration, now = false): void {
    const id = stored.integration.id.id;
    const emit = () => {
      this.pushTimers.delete(id);
      this.events.emit('status', stored.integration.tenantId.id, id, this.status(stored.integration.tenantId.id, id));
    };
    if (now) {
      const t = this.pushTimers.get(id);
      if (t) clearTimeout(t);
      return emit();
    }
    if (this.pushTimers.has(id)) return;
    const t = setTimeout(emit, STATUS_PUSH_MS);
    t.unref();
    this.pushTimers.set(id, t);
  }
}
