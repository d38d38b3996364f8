import type { DeviceData, TelemetryPort } from './ports.js';
import type { TellResult } from './rule-engine.js';

/** One item per device: telemetry appended, attributes of later messages overriding earlier ones. */
export function mergeByDevice(items: DeviceData[]): DeviceData[] {
  const first = new Map<string, number>();
  const out: DeviceData[] = [];
  const owned = new Set<number>();
  for (const it of items) {
    // Device ids are unique across tenants; the tenant joins the key only when it differs from
    // the first item's (the ids' strings are shared with the Device objects, so hashing is cached).
    const key = it.tenantId === items[0]!.tenantId ? it.deviceId : it.tenantId + it.deviceId;
    const at = first.get(key);
    if (at === undefined) {
      first.set(key, out.length);
      out.push(it);
      continue;
    }
    let m = out[at]!;
    // Copy once before changing: the items belong to the nodes that wrote them.
    if (!owned.has(at)) {
      m = {
        tenantId: m.tenantId,
        deviceId: m.deviceId,
        ...(m.telemetry ? { telemetry: [...m.telemetry] } : {}),
        ...(m.attributes ? { attributes: { ...m.attributes } } : {}),
        ...(m.traceIds ? { traceIds: [...m.traceIds] } : {}),
      };
      out[at] = m;
      owned.add(at);
    }
    if (it.telemetry) (m.telemetry ??= []).push(...it.telemetry);
    if (it.attributes) m.attributes = Object.assign(m.attributes ?? {}, it.attributes);
    if (it.traceIds) (m.traceIds ??= []).push(...it.traceIds);
  }
  return out;
}

/** Told the outcome of a write once its wave is committed (null) or failed (the error). */
export interface WriteListener {
  written(arg: unknown, error: unknown): void;
}

interface PendingWrite {
  item: DeviceData;
  /** Set for writeThen: the write counts as a running invocation until its listener ran. */
  listener: WriteListener | null;
  arg: unknown;
  resolve: (() => void) | null;
  reject: ((e: unknown) => void) | null;
}

/**
 * The life of one tellBatch: counts node invocations still running and collects the Save
 * nodes' writes. When every running invocation is waiting on a write, all collected writes
 * go to Postgres in ONE saveBatch, then those invocations continue (so a Save node reports
 * Success only after the commit). `done` resolves when nothing of the batch is left.
 */
export class BatchRun {
  private active = 0;
  private readonly queue: (() => void | Promise<void>)[] = [];
  private draining = false;
  private parked = 0;
  private writes: PendingWrite[] = [];
  private flushing = false;
  private finished = false;
  readonly writeErrors: unknown[] = [];
  /** What became of each entry message, by index; made on the first delivery or failure. */
  readonly traces: (TellResult | undefined)[] = [];
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  /** Number of saveBatch calls made (one per "wave" of saves). */
  commits = 0;

  constructor(private readonly telemetry: TelemetryPort) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  trace(i: number): TellResult {
    return (this.traces[i] ??= { deliveries: [], failures: [] });
  }

  /**
   * Runs one node invocation as part of the batch, after the current one (a queue drained in a
   * loop: no microtask or promise per invocation for nodes that finish synchronously).
   * `fn` must never throw or reject (the engine catches).
   */
  spawn(fn: () => void | Promise<void>): void {
    this.active++;
    this.queue.push(fn);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(this.drain);
    }
  }

  private readonly settled = (): void => {
    this.active--;
    this.check();
  };

  private readonly drain = (): void => {
    for (let i = 0; i < this.queue.length; i++) {
      const r = this.queue[i]!();
      if (r) r.then(this.settled, this.settled);
      else this.settled();
    }
    this.queue.length = 0;
    this.draining = false;
  };

  /** Resolves once the item is committed together with the other writes of this wave. */
  write(item: DeviceData): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.parked++;
      this.writes.push({ item, listener: null, arg: null, resolve, reject });
      this.check();
    });
  }

  /**
   * As write, without a promise: the caller's invocation may finish now; the write counts as a
   * running invocation (so the batch is not done) until `listener.written` has run after the
   * commit, with `arg`. What the listener spawns joins the batch. The listener must not throw.
   */
  writeThen(item: DeviceData, listener: WriteListener, arg: unknown): void {
    this.active++;
    this.parked++;
    this.writes.push({ item, listener, arg, resolve: null, reject: null });
    this.check();
  }

  /** Called once the entry messages are spawned, so an empty batch still finishes. */
  seal(): void {
    this.check();
  }

  private check(): void {
    if (this.finished || this.flushing) return;
    if (this.writes.length && this.active === this.parked) {
      void this.flush();
      return;
    }
    if (this.active === 0 && !this.writes.length) {
      this.finished = true;
      this.resolveDone();
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const wave = this.writes;
    this.writes = [];
    let error: unknown = null;
    try {
      this.commits++;
      await this.telemetry.saveBatch(mergeByDevice(wave.map((w) => w.item)));
    } catch (e) {
      error = e;
      this.writeErrors.push(e);
    }
    this.parked -= wave.length;
    this.flushing = false;
    let listened = 0;
    for (const w of wave) {
      if (w.listener) {
        listened++;
        w.listener.written(w.arg, error);
      } else if (error) w.reject!(error);
      else w.resolve!();
    }
    this.active -= listened;
    this.check();
  }
}
