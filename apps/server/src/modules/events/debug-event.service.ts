import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { DebugEvent, DebugEventBody, EntityType, PageData } from '@bridgeboard/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { newId } from '../../common/ids.js';
import { Db } from '../../database/db.js';
import { DebugEventRepository, type NewDebugEvent } from './debug-event.repository.js';
import { fitBody } from './debug-event.fit.js';

const FLUSH_MS = 100;
const MAX_BUFFER = 10_000;
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
 */
@Injectable()
export class DebugEventService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly log = new Logger('debug-events');
  private buffer: NewDebugEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  dropped = 0;
  private closed = false;
  /** 'recorded' (tenantId, event) after an event is accepted; used for live updates. */
  readonly events = new EventEmitter<{ recorded: [string, DebugEvent] }>();

  constructor(
    private readonly db: Db,
    private readonly repo: DebugEventRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
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
    if (this.buffer.length >= MAX_BUFFER) {
      this.dropped++;
      return;
    }
    // The row keeps the body's JSON text, not the body: the objects die young instead of waiting for the flush.
    let bodyText: string;
    try {
      ({ body, text: bodyText } = fitBody(body, this.config.DEBUG_EVENT_MAX_BODY_CHARS));
    } catch (err) {
      this.log.warn(`Could not store 1 debug event: ${(err as Error).message}`);
      return;
    }
    const e: NewDebugEvent = { id: newId(), tenantId, entityType, entityId, ts: Date.now(), type, bodyText, traceId: traceId ?? null, seq: nextSeq() };
    this.buffer.push(e);
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
