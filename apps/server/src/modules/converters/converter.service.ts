import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { saveConverterSchema } from '@bridgeboard/contracts';
import type {
  Converter,
  ConverterDebugIn,
  ConverterDebugInReply,
  ConverterType,
  PageData,
  PageQuery,
  SaveConverterRequest,
} from '@bridgeboard/contracts';
import { Sandbox, ScriptCompileError } from '@bridgeboard/sandbox';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { entityId } from '../../common/ids.js';
import { Db } from '../../database/db.js';
import { staleVersion } from '../../common/versioning.js';
import { DebugEventService } from '../events/debug-event.service.js';
import {
  debugModeActive,
  debugModeSinceOnSave,
  debugModeUntil,
  type DebugSwitch,
} from '../events/debug-mode.js';
import { ConverterError } from './converter.errors.js';
import { ConverterRepository, type ConverterRecord } from './converter.repository.js';
import { ConverterTester } from './converter.tester.js';
import { describeInput, payloadOf } from './converter.debug.js';
import { PLATFORM_EVENTS, type PlatformEvents } from '../../common/ports.js';
import { TenantLimits } from '../../common/tenant-limits.js';
import { ConverterVersionRepository, type ConverterVersion, type SavedBy } from './converter-version.repository.js';

/** Answers whether something uses a converter: a description such as "integration 'MQTT Integration'", or null. */
export type ConverterUsageCheck = (tenantId: string, converterId: string) => Promise<string | null>;

export const sandboxKey = (converterId: string) => `converter:${converterId}`;

const debugSwitch = (r: ConverterRecord): DebugSwitch => ({
  debugMode: r.debugMode,
  since: r.debugModeSince,
  pinned: r.debugModePinned,
});

@Injectable()
export class ConverterService {
  /** Saved converters by id, so live traffic does not read the database per batch. */
  private readonly cache = new Map<string, ConverterRecord>();
  private readonly usageChecks: ConverterUsageCheck[] = [];
  private readonly lastInput = new Map<string, ConverterDebugIn>();
  readonly events = new EventEmitter<{ saved: [ConverterRecord]; deleted: [ConverterRecord] }>();

  constructor(
    private readonly db: Db,
    private readonly repo: ConverterRepository,
    readonly versions: ConverterVersionRepository,
    private readonly tester: ConverterTester,
    private readonly sandbox: Sandbox,
    private readonly debugEvents: DebugEventService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limits: TenantLimits,
    @Inject(PLATFORM_EVENTS) private readonly platform: PlatformEvents,
  ) {
    // saved or deleted on another node: read again on next use (the sandbox compiles the new script then)
    platform.onCacheChanged('converter', (id) => (id ? this.cache.delete(id) : this.cache.clear()));
  }

  /** The integrations module registers how to tell that a converter is in use; DELETE answers 409 then. */
  registerUsageCheck(fn: ConverterUsageCheck): void {
    this.usageChecks.push(fn);
  }

  async page(tenantId: string, q: PageQuery, type?: ConverterType): Promise<PageData<Converter>> {
    const p = await this.repo.page(tenantId, q, type);
    const now = Date.now();
    return { ...p, data: p.data.map((r) => this.toApi(r, now)) };
  }

  async get(tenantId: string, id: string): Promise<Converter> {
    return this.toApi(await this.mustGet(tenantId, id), Date.now());
  }

  /** The stored converter (cached), or null when this tenant has none with this id. */
  async getRecord(tenantId: string, id: string): Promise<ConverterRecord | null> {
    let r = this.cache.get(id);
    if (!r) {
      r = (await this.repo.findById(tenantId, id)) ?? undefined;
      if (r) this.cache.set(id, r);
    }
    return r && r.tenantId === tenantId ? r : null;
  }

  /** Whether runs are recorded now: debug mode switches itself off after DEBUG_MODE_AUTO_OFF_MIN unless pinned. */
  debugActive(r: ConverterRecord, now: number): boolean {
    return debugModeActive(debugSwitch(r), this.config.DEBUG_MODE_AUTO_OFF_MIN, now);
  }

  /** Every save is a version (issue 19): `by` is the user saving, `comment` the optional versionComment. */
  async save(tenantId: string, req: SaveConverterRequest, by: SavedBy | null = null, comment: string | null = null): Promise<Converter> {
    const existing = req.id ? await this.repo.findById(tenantId, req.id.id) : null;
    if (req.id && !existing) throw ConverterError.notFound(req.id.id);
    if (existing && existing.type !== req.type) throw ConverterError.typeChange();
    const field = req.type === 'UPLINK' ? 'decoder' : 'encoder';
    const script = req.configuration[field]!;
    let testResults;
    try {
      testResults = await this.tester.runCases(tenantId, req.type, script, req.testCases);
    } catch (e) {
      if (e instanceof ScriptCompileError) throw ConverterError.badScript(field, e.message, e.line, e.column);
      throw e;
    }
    const now = Date.now();
    const fields = {
      name: req.name,
      type: req.type,
      debugMode: req.debugMode,
      debugModePinned: req.debugModePinned,
      debugModeSince: debugModeSinceOnSave(
        existing && debugSwitch(existing),
        { debugMode: req.debugMode, pinned: req.debugModePinned },
        this.config.DEBUG_MODE_AUTO_OFF_MIN,
        now,
      ),
      configuration: { ...req.configuration, scriptLang: 'JS' as const },
      additionalInfo: req.additionalInfo ?? null,
      testCases: req.testCases,
    };
    if (!existing) await this.limits.checkCreate(tenantId, 'converters');
    // the save and its version in one statement
    const note = { by, comment };
    const saved = existing ? await this.repo.update(tenantId, existing.id, fields, req.version, note) : await this.repo.insert(tenantId, fields, note);
    if (!saved)
      throw (
        (await staleVersion(this.db, 'converter', tenantId, existing!.id, req.version, 'Converter')) ??
        ConverterError.notFound(existing!.id)
      );
    this.cache.set(saved.id, saved);
    this.platform.cacheChanged('converter', saved.id);
    this.events.emit('saved', saved);
    return { ...this.toApi(saved, now), testResults };
  }

  async versionPage(tenantId: string, id: string, q: PageQuery): Promise<PageData<ConverterVersion>> {
    await this.mustGet(tenantId, id);
    return this.versions.page(tenantId, id, q);
  }

  async version(tenantId: string, id: string, version: number): Promise<ConverterVersion> {
    const r = await this.mustGet(tenantId, id);
    const v = await this.versions.find(tenantId, id, version);
    if (!v) throw ConverterError.versionNotFound(r.name, version);
    return v;
  }

  /** Saves the converter again with that version's name and configuration: itself a new version. */
  async restore(tenantId: string, id: string, version: number, by: SavedBy | null): Promise<Converter> {
    const r = await this.mustGet(tenantId, id);
    const v = await this.version(tenantId, id, version);
    return this.save(
      tenantId,
      saveConverterSchema.parse({
        id: { entityType: 'CONVERTER', id },
        name: v.name,
        type: r.type,
        debugMode: r.debugMode,
        debugModePinned: r.debugModePinned,
        configuration: v.configuration,
        additionalInfo: r.additionalInfo,
        testCases: r.testCases,
      }),
      by,
      `Restored version ${version}`,
    );
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const r = await this.mustGet(tenantId, id);
    for (const check of this.usageChecks) {
      const usedBy = await check(tenantId, id);
      if (usedBy) throw ConverterError.inUse(r.name, usedBy);
    }
    await this.repo.delete(tenantId, id);
    this.cache.delete(id);
    this.platform.cacheChanged('converter', id);
    this.lastInput.delete(id);
    this.sandbox.release(sandboxKey(id));
    this.events.emit('deleted', r);
  }

  /** Remembers the latest real input of a converter (for debugIn). */
  noteInput(converterId: string, input: ConverterDebugIn): void {
    this.lastInput.set(converterId, input);
  }

  /** The latest real input in ThingsBoard's shape. */
  async debugInReply(tenantId: string, id: string): Promise<ConverterDebugInReply> {
    const d = await this.debugIn(tenantId, id);
    if (d.type === 'UPLINK') {
      const shown = describeInput(Buffer.from(d.payload, 'base64'));
      return {
        inContent: String(shown.in ?? ''),
        inContentType: shown.inContentType ?? 'TEXT',
        inMetadata: JSON.stringify(d.metadata),
        ts: d.ts,
      };
    }
    return {
      inContent: d.msg,
      inContentType: 'JSON',
      inMetadata: JSON.stringify(d.metadata),
      inMsgType: d.msgType,
      inIntegrationMetadata: JSON.stringify(d.integrationMetadata),
      ts: d.ts,
    };
  }

  /** The latest real input: from this process, else from the newest debug event. */
  async debugIn(tenantId: string, id: string): Promise<ConverterDebugIn> {
    const r = await this.mustGet(tenantId, id);
    const mem = this.lastInput.get(id);
    if (mem) return mem;
    const page = await this.debugEvents.page(tenantId, 'CONVERTER', id, { pageSize: 1, page: 0 });
    const e = page.data[0];
    if (!e) throw new ConverterError(404, 32, `Converter '${r.name}' has not received any input yet`);
    const metadata = typeof e.body.metadata === 'object' && e.body.metadata ? e.body.metadata : {};
    if (r.type === 'UPLINK')
      return { type: 'UPLINK', ts: e.createdTime, payload: payloadOf(e.body), metadata };
    const { msgType = 'RPC_CALL_FROM_SERVER_TO_DEVICE', ...rest } = metadata;
    return {
      type: 'DOWNLINK',
      ts: e.createdTime,
      msg: String(e.body.in ?? ''),
      metadata: rest,
      msgType,
      integrationMetadata: {},
    };
  }

  private async mustGet(tenantId: string, id: string): Promise<ConverterRecord> {
    const r = await this.repo.findById(tenantId, id);
    if (!r) throw ConverterError.notFound(id);
    return r;
  }

  toApi(r: ConverterRecord, now: number): Converter {
    const active = this.debugActive(r, now);
    return {
      id: entityId('CONVERTER', r.id),
      createdTime: r.createdTime,
      tenantId: entityId('TENANT', r.tenantId),
      name: r.name,
      type: r.type,
      debugMode: active,
      debugModePinned: r.debugModePinned,
      debugModeSince: active ? r.debugModeSince : null,
      debugModeUntil: debugModeUntil(debugSwitch(r), this.config.DEBUG_MODE_AUTO_OFF_MIN, now),
      configuration: r.configuration,
      additionalInfo: r.additionalInfo,
      testCases: r.testCases,
      version: r.version,
    };
  }
}
