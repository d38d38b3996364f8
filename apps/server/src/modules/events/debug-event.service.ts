import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { DebugEvent, DebugEventBody, EntityType, PageData } from '@bridgeboard/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { newId } from '../../common/ids.js';
import { Db } from '../../database/db.js';
import { DebugEventRepository, type NewDebugEvent } from './debug-event.repository.js';
import { fitBody } from './debug-event.fit.js';
import { BufferShares } from './buffer-shares.js';
import { RecentTraces } from './recent-traces.js';

const FLUSH_MS = 100;
/** Events waiting for the next write, all tenants together; one tenant may hold DEBUG_EVENTS_TENANT_BUFFER of them. */
const MAX_BUFFER = 10_000;
/** How long a trace counts as debugged after its first event (its save and live push come well within it). */
const TRACED_MS = 60_000;
const MAX_TRACED = 50_000;
/** A trace longer than this (a rule chain looping a message) is cut: the timeline shows its start. */
const MAX_TRACE_EVENTS = 1000;

let lastSeq = 0;
/** Microseconds since the epoch, strictly increasing in this process: orders the events of a trace. */
function nextSeq(): number {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastSeq = us > lastSeq ? us : lastSeq + 1;
  return lastSeq;
}

/**
 * Debug events of converters, integrations and rule nodes. `record` never waits for the
 * database: events are buffered and written in one statement per flush, then each entity
 * is trimmed to DEBUG_EVENTS_MAX_PER_ENTITY; the retention job removes events past DEBUG_EVENTS_TTL_DAYS.
 * The buffer is shared by all tenants, each with a bounded share (BufferShares): a tenant past it loses
 * its own events (counted per tenant in /metrics), never another tenant's.
 */
@Injectable()
export class DebugEventService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly log = new Logger('debug-events');
  private buffer: NewDebugEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** places in the buffer per tenant, and the events refused for want of one */
  readonly shares: BufferShares;
  private readonly traces = new RecentTraces(TRACED_MS, MAX_TRACED);
  private closed = false;
  /** refusals already logged, and when (at most one warning a minute) */
  private droppedLogged = { n: 0, at: 0 };
  /** 'recorded' (tenantId, event) after an event is accepted; used for live updates. */
  readonly events = new EventEmitter<{ recorded: [string, DebugEvent] }>();

  constructor(
    private readonly db: Db,
    private readonly repo: DebugEventRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.shares = new BufferShares(MAX_BUFFER, config.DEBUG_EVENTS_TENANT_BUFFER);
  }

  onModuleInit(): void {
    // Events past DEBUG_EVENTS_TTL_DAYS are removed by the retention job (modules/retention), once per cluster.
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /**
   * Once more after every module has stopped (the integrations' last status events arrive during
   * their own onModuleDestroy) and before the database closes; nothing is recorded after this.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  /** `traceId`: the uplink or RPC the event belongs to (GET /api/events/trace/{traceId}). */
  record(tenantId: string, entityType: EntityType, entityId: string, type: string, body: DebugEventBody, traceId?: string): void {
    if (this.closed) return;
    if (!this.shares.take(tenantId)) return;
    // The row keeps the body's JSON text, not the body: the objects die young instead of waiting for the flush.
    let bodyText: string;
    try {
      ({ body, text: bodyText } = fitBody(body, this.config.DEBUG_EVENT_MAX_BODY_CHARS));
    } catch (err) {
      this.shares.release(tenantId);
      this.log.warn(`Could not store 1 debug event: ${(err as Error).message}`);
      return;
    }
    const e: NewDebugEvent = { id: newId(), tenantId, entityType, entityId, ts: Date.now(), type, bodyText, traceId: traceId ?? null, seq: nextSeq() };
    this.buffer.push(e);
    if (traceId) this.traces.note(traceId, e.ts);
    this.events.emit('recorded', tenantId, {
      id: e.id,
      createdTime: e.ts,
      entityId: { entityType, id: entityId },
      type,
      body,
      ...(traceId ? { traceId } : {}),
    });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /**
   * Whether a debug event of this message (uplink) was recorded lately: a step without a debug mode of
   * its own (the live push) records one only then, so nothing is written per message while nobody debugs.
   */
  traced(traceId: string): boolean {
    // asked for every saved message: while nobody debugs, one size check and no clock read
    return this.traces.size > 0 && this.traces.has(traceId, Date.now());
  }

  /** A debug event of this trace will be recorded later (the integration's Uplink event, after the commit): count it as debugged now. */
  traceDebugged(traceId: string): void {
    this.traces.note(traceId, Date.now());
  }

  /** Writes everything buffered so far (tests and shutdown call it). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.doFlush());
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.shares.clear();
    this.traces.prune(Date.now());
    this.logDropped();
    if (!batch.length) return;
    try {
      await this.repo.insertMany(batch);
    } catch (e) {
      // One bad event must not cost the others: retry one by one, drop only those that fail.
      let lost = 0;
      for (const ev of batch) await this.repo.insertMany([ev]).catch(() => lost++);
      if (lost) this.log.warn(`Could not store ${lost} of ${batch.length} debug events: ${(e as Error).message}`);
    }
    await this.repo.trim([...new Set(batch.map((e) => e.entityId))], this.config.DEBUG_EVENTS_MAX_PER_ENTITY).catch(() => undefined);
  }

  private logDropped(): void {
    const n = this.shares.droppedTotal;
    const now = Date.now();
    if (n === this.droppedLogged.n || now - this.droppedLogged.at < 60_000) return;
    const who = [...this.shares.dropped].slice(0, 10).map(([t, d]) => `${t}: ${d.tenant_share + d.buffer_full}`).join(', ');
    this.log.warn(
      `${n - this.droppedLogged.n} debug events dropped: a tenant had ${this.shares.perTenant} waiting (DEBUG_EVENTS_TENANT_BUFFER) or the buffer was full; since start per tenant: ${who} (bridgeboard_debug_events_dropped_total)`,
    );
    this.droppedLogged = { n, at: now };
  }

  async page(
    tenantId: string,
    entityType: EntityType,
    entityId: string,
    q: { pageSize: number; page: number; startTime?: number; endTime?: number; type?: string; sortOrder?: 'ASC' | 'DESC'; msgType?: string },
  ): Promise<PageData<DebugEvent>> {
    await this.flush();
    return this.repo.page(tenantId, entityType, entityId, q);
  }

  /** The events of one message's journey, in the order they were recorded. */
  async trace(tenantId: string, traceId: string): Promise<DebugEvent[]> {
    await this.flush();
    return this.repo.trace(tenantId, traceId, MAX_TRACE_EVENTS);
  }

  async recentErrors(tenantId: string, limit: number): Promise<DebugEvent[]> {
    await this.flush();
    return this.repo.recentErrors(tenantId, limit);
  }

  async clear(tenantId: string, entityType: EntityType, entityId: string): Promise<void> {
    await this.flush();
    await this.repo.clear(tenantId, entityType, entityId);
  }
}
