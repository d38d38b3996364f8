import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { historyCapProblem, type AttributeData, type AttributeScope, type TimeseriesData, type TimeseriesQuery } from '@bridgeboard/contracts';
import { Db, type Queryable } from '../../database/db.js';
import { DeviceRepository } from '../devices/device.repository.js';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';
import { DeviceError } from '../devices/device.errors.js';
import { TelemetryRepository, historyAndLatest, type AttrRow, type TsRow } from './telemetry.repository.js';
import { checkKey, fromRow, toTyped } from './telemetry.values.js';
import { TelemetryError } from './telemetry.errors.js';
import { DeviceKeyLimit } from './telemetry.key-limit.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { runOncePerCluster } from '../../database/cluster-lock.js';
import { RetentionService } from '../retention/retention.service.js';
import { migrateOldTsKv } from './ts-kv-migration.js';
import { rollupOnce, type RollupRun } from './ts-kv-rollup.js';

export interface TsValues {
  ts: number;
  values: Record<string, unknown>;
}
/** One device's data from one message. */
export interface DeviceData {
  tenantId: string;
  deviceId: string;
  /** SERVER_SCOPE */
  attributes?: Record<string, unknown>;
  telemetry?: TsValues[];
  /** the traces of the messages whose data this is, when somebody debugs them: passed on with the live updates */
  traceIds?: string[];
}

export interface TelemetryEvents {
  /** latest values that moved: (tenantId, deviceId, {key: [{ts, value}]}, the traces of the data when debugged) */
  timeseries: [string, string, TimeseriesData, (string[] | undefined)?];
  attributes: [string, string, AttributeScope, AttributeData[], (string[] | undefined)?];
}

/**
 * Time series and attributes of devices: batched writes (one statement per batch) and the
 * ThingsBoard-shaped reads. Emits `events` after each commit for live updates.
 */
@Injectable()
export class TelemetryService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('telemetry');
  readonly events = new EventEmitter<TelemetryEvents>();
  private readonly keyLimit: DeviceKeyLimit;

  private rollupTimer: NodeJS.Timeout | null = null;
  private rollupRunning: Promise<unknown> = Promise.resolve();

  /** the move of an old installation's ts_kv layouts into the current one (resolved when done or not needed) */
  migration: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly repo: TelemetryRepository,
    private readonly devices: DeviceRepository,
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly retention: RetentionService,
  ) {
    this.keyLimit = new DeviceKeyLimit(config.TELEMETRY_MAX_KEYS_PER_DEVICE, (ids) => this.repo.keysOf(ids));
  }

  onModuleInit(): void {
    this.retention.addPartitionedTable({ table: 'ts_kv', unit: this.config.TS_PARTITION, packClosed: true });
    // the hourly rollup lives and expires with the points it sums (partitions of the same unit, same TTLs)
    this.retention.addPartitionedTable({ table: 'ts_kv_rollup_hour', unit: this.config.TS_PARTITION });
    // ts_kv names devices by their entity dictionary id; the rollup by uuid
    const tenantRows = {
      ts_kv: 'entity_idx IN (SELECT e.entity_idx FROM ts_kv_entity e JOIN device d ON d.id = e.entity_id WHERE d.tenant_id = ANY($TENANTS))',
      ts_kv_rollup_hour: 'entity_id IN (SELECT id FROM device WHERE tenant_id = ANY($TENANTS))',
    };
    for (const [table, tsColumn] of [['ts_kv', 'ts'], ['ts_kv_rollup_hour', 'hour']] as const)
      this.retention.addRule({
        table,
        tsColumn,
        ttlDays: () => this.config.TELEMETRY_TTL_DAYS,
        perTenant: {
          overrides: async () => {
            const rows = await this.db.query<{ id: string; days: number }>(
              'SELECT id, telemetry_ttl_days AS days FROM tenant WHERE telemetry_ttl_days IS NOT NULL AND telemetry_ttl_days <> $1',
              [this.config.TELEMETRY_TTL_DAYS],
            );
            return new Map(rows.map((r) => [r.id, r.days]));
          },
          rowsOf: tenantRows[table],
        },
      });
    this.platform.on('deviceDeleted', (d) => {
      this.keyLimit.forget(d.id.id);
      this.repo.deleteHistory(d.id.id).catch((e: Error) => this.log.warn(`Could not delete history of device ${d.id.id}: ${e.message}`));
    });
  }

  /** Moves an old installation's ts_kv layouts into the current one in the background (once per cluster; resumable). */
  onApplicationBootstrap(): void {
    const log = (m: string) => this.log.log(m);
    this.migration = runOncePerCluster(this.db, 'ts-kv-migration', () =>
      migrateOldTsKv(this.db, { unit: this.config.TS_PARTITION, batch: this.config.TS_KV_MIGRATION_BATCH, log }),
    ).catch((e: Error) => this.log.error(`ts_kv: moving the old tables into the current layout stopped (continues at the next start): ${e.message}`));
    this.rollupRunning = this.rollupNow().catch(() => undefined);
    this.rollupTimer = setInterval(() => void this.rollupNow().catch(() => undefined), 60_000);
    this.rollupTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.rollupTimer) clearInterval(this.rollupTimer);
    await this.rollupRunning;
  }

  /**
   * One run of the hourly rollup job (ts-kv-rollup.ts), once per cluster; runs of this process one after
   * another. Resolves with null when another node ran it.
   */
  rollupNow(now = Date.now()): Promise<RollupRun | null> {
    const run = this.rollupRunning.then(async () => {
      const r = await runOncePerCluster(this.db, 'ts-kv-rollup', () => rollupOnce(this.db, now));
      if (r.ran && (r.result.hours > 24 || r.result.recomputed))
        this.log.log(`ts_kv rollup: ${r.result.hours} hours rolled up, ${r.result.recomputed} late (device, key, hour) recomputed`);
      return r.ran ? r.result : null;
    });
    this.rollupRunning = run.catch((e: Error) => this.log.warn(`ts_kv rollup failed (tried again in a minute): ${e.message}`));
    return run;
  }

  /** Throws a TelemetryError naming the key when an item cannot be stored (checked per message before batching). */
  validate(item: Pick<DeviceData, 'attributes' | 'telemetry'>): void {
    for (const [k, v] of Object.entries(item.attributes ?? {})) toTyped(k, v);
    for (const t of item.telemetry ?? []) {
      if (!Number.isSafeInteger(t.ts) || t.ts < 0) throw new Error(`Telemetry ts ${String(t.ts)} is not a time in milliseconds`);
      for (const [k, v] of Object.entries(t.values)) toTyped(k, v);
    }
  }

  /** Saves many devices' data in one statement; resolves once committed, then emits live updates. */
  async saveBatch(items: DeviceData[], q?: Queryable): Promise<void> {
    const now = Date.now();
    const points: TsRow[] = [];
    const attrs = new Map<string, AttrRow>();
    const tenantOf = new Map<string, string>();
    let traceOf: Map<string, string[]> | undefined;
    for (const it of items) {
      tenantOf.set(it.deviceId, it.tenantId);
      if (it.traceIds) {
        const list = (traceOf ??= new Map()).get(it.deviceId);
        if (list) list.push(...it.traceIds);
        else traceOf.set(it.deviceId, [...it.traceIds]);
      }
      if (it.telemetry)
        for (const t of it.telemetry) {
          const values = t.values;
          for (const key of Object.keys(values)) {
            // toTyped makes a new object: it becomes the row (no copy per point on the ingest path)
            const row = toTyped(key, values[key]) as TsRow | null;
            if (!row) continue;
            row.entityId = it.deviceId;
            row.key = key;
            row.ts = t.ts;
            points.push(row);
          }
        }
      for (const [key, v] of Object.entries(it.attributes ?? {})) {
        const typed = toTyped(key, v);
        if (typed) attrs.set(`${it.deviceId}\u0000${key}`, { entityId: it.deviceId, scope: 'SERVER_SCOPE', key, ts: now, ...typed });
      }
    }
    const { history, latest } = historyAndLatest(points);
    await this.write(history, latest, [...attrs.values()], tenantOf, q, traceOf);
  }

  async saveTimeseries(tenantId: string, deviceId: string, telemetry: TsValues[]): Promise<void> {
    await this.saveBatch([{ tenantId, deviceId, telemetry }]);
  }

  async saveAttributes(tenantId: string, deviceId: string, scope: AttributeScope, values: Record<string, unknown>): Promise<void> {
    const now = Date.now();
    const rows: AttrRow[] = [];
    for (const [key, v] of Object.entries(values)) {
      const typed = toTyped(key, v);
      if (typed) rows.push({ entityId: deviceId, scope, key, ts: now, ...typed });
    }
    await this.write([], [], rows, new Map([[deviceId, tenantId]]));
  }

  private async write(
    ts: TsRow[],
    latest: TsRow[],
    attrs: AttrRow[],
    tenantOf: Map<string, string>,
    q?: Queryable,
    traceOf?: Map<string, string[]>,
  ): Promise<void> {
    if (!ts.length && !attrs.length) return;
    await this.keyLimit.check(latest);
    const { latest: moved } = await this.repo.saveBatch(ts, latest, attrs, q);
    this.keyLimit.remember(latest);
    const byKey = new Map(latest.map((r) => [`${r.entityId}\u0000${r.key}`, r]));
    const tsPush = new Map<string, TimeseriesData>();
    for (const m of moved) {
      const r = byKey.get(`${m.entity_id}\u0000${m.key}`);
      if (!r) continue;
      const d = tsPush.get(m.entity_id) ?? {};
      d[m.key] = [{ ts: r.ts, value: fromRow(r.json_v ? { ...r, json_v: JSON.parse(r.json_v) } : r, true) }];
      tsPush.set(m.entity_id, d);
    }
    for (const [deviceId, data] of tsPush) this.events.emit('timeseries', tenantOf.get(deviceId)!, deviceId, data, traceOf?.get(deviceId));
    const attrPush = new Map<string, AttrRow[]>();
    for (const a of attrs) attrPush.set(`${a.entityId}\u0000${a.scope}`, [...(attrPush.get(`${a.entityId}\u0000${a.scope}`) ?? []), a]);
    for (const list of attrPush.values()) {
      const { entityId, scope } = list[0]!;
      const data = list.map((a) => ({ key: a.key, value: fromRow({ ...a, json_v: a.json_v ? JSON.parse(a.json_v) : null }, true), lastUpdateTs: a.ts }));
      this.events.emit('attributes', tenantOf.get(entityId)!, entityId, scope, data, traceOf?.get(entityId));
    }
  }

  private async device(tenantId: string, deviceId: string): Promise<void> {
    if (!(await this.devices.findById(tenantId, deviceId))) throw DeviceError.notFound(`with id ${deviceId}`);
  }

  async keys(tenantId: string, deviceId: string): Promise<string[]> {
    await this.device(tenantId, deviceId);
    return this.repo.keys(deviceId);
  }

  /** Latest values, or the history when startTs/endTs are given (contracts.md). */
  async timeseries(tenantId: string, deviceId: string, q: TimeseriesQuery): Promise<TimeseriesData> {
    await this.device(tenantId, deviceId);
    const strict = q.useStrictDataTypes;
    const out: TimeseriesData = {};
    if (q.startTs === undefined || q.endTs === undefined) {
      for (const r of await this.repo.latest(deviceId, q.keys.length ? q.keys : null))
        out[r.key] = [{ ts: Number(r.ts), value: fromRow(r, strict) }];
      return out;
    }
    const keys = q.keys.length ? q.keys : await this.repo.keys(deviceId);
    if (!q.keys.length) {
      const problem = historyCapProblem(keys.length, q.limit);
      if (problem) throw TelemetryError.bad(problem);
    }
    keys.forEach(checkKey);
    if (q.agg === 'NONE') {
      for (const r of await this.repo.history(deviceId, keys, q.startTs, q.endTs, q.limit, q.orderBy))
        (out[r.key] ??= []).push({ ts: Number(r.ts), value: fromRow(r, strict) });
      return out;
    }
    const bucketing = { intervalType: q.intervalType, interval: q.interval, timeZone: q.timeZone };
    const rows = await this.repo.aggregate(deviceId, keys, q.startTs, q.endTs, bucketing, q.agg, q.limit, q.orderBy);
    for (const r of rows) {
      const n = Number(r.v);
      (out[r.key] ??= []).push({ ts: Number(r.ts), value: strict ? n : String(n) });
    }
    return out;
  }

  async attributes(tenantId: string, deviceId: string, scope: AttributeScope | null, keys: string[]): Promise<AttributeData[]> {
    await this.device(tenantId, deviceId);
    const rows = await this.repo.attributes(deviceId, scope, keys.length ? keys : null);
    return rows.map((r) => ({ key: r.key, value: fromRow(r, true), lastUpdateTs: Number(r.last_update_ts) }));
  }

  async checkDevice(tenantId: string, deviceId: string): Promise<void> {
    await this.device(tenantId, deviceId);
  }
}
