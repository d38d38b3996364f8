/** The device's answer; `traceId`: the trace of the uplink that carried it. */
export interface Reply {
  data: unknown;
  traceId?: string;
}

/** A two-way call waiting for the device's reply. */
export interface PendingCall {
  tenantId: string;
  deviceId: string;
  requestUUID: string;
  requestId: number;
  createdTime: number;
  expirationTime: number;
  /** Called exactly once: with the reply, or with null when the call timed out or was cancelled. */
  settle: (reply: Reply | null) => void;
  /** A persistent call is only forgotten at shutdown (it stays open in the database for the next run). */
  persistent?: boolean;
}

/**
 * Two-way calls waiting for replies, per device, oldest first. A reply with a requestId completes
 * that call (requestUUID or the numeric requestId); without one, the device's oldest call.
 */
export class PendingCalls {
  private readonly byDevice = new Map<string, (PendingCall & { timer: NodeJS.Timeout })[]>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    let n = 0;
    for (const l of this.byDevice.values()) n += l.length;
    return n;
  }

  add(call: PendingCall): void {
    const key = `${call.tenantId}/${call.deviceId}`;
    const timer = setTimeout(
      () => this.end(call.requestUUID, key, null),
      Math.max(0, call.expirationTime - this.now()),
    );
    timer.unref();
    const list = this.byDevice.get(key) ?? [];
    list.push({ ...call, timer });
    list.sort((a, b) => a.createdTime - b.createdTime);
    this.byDevice.set(key, list);
  }

  /** Completes the matching call; false when no call of the device waits (or none matches requestId). */
  reply(tenantId: string, deviceId: string, r: { requestId?: string | number; data: unknown }, traceId?: string): boolean {
    const key = `${tenantId}/${deviceId}`;
    const list = this.byDevice.get(key);
    if (!list?.length) return false;
    const id = r.requestId == null || r.requestId === '' ? null : String(r.requestId);
    const call = id == null ? list[0] : list.find((c) => c.requestUUID === id || String(c.requestId) === id);
    if (!call) return false;
    this.end(call.requestUUID, key, traceId ? { data: r.data, traceId } : { data: r.data });
    return true;
  }

  has(tenantId: string, deviceId: string, requestUUID: string): boolean {
    return !!this.byDevice.get(`${tenantId}/${deviceId}`)?.some((c) => c.requestUUID === requestUUID);
  }

  /** Drops a call without settling it (its caller already answered). */
  cancel(tenantId: string, deviceId: string, requestUUID: string): void {
    this.take(`${tenantId}/${deviceId}`, requestUUID);
  }

  /**
   * Shutdown, or one tenant's calls when it is deleted: a waiting HTTP caller gets its answer
   * (null: no reply); persistent calls are just forgotten.
   */
  clear(tenantId?: string): void {
    const all: PendingCall[] = [];
    for (const [key, list] of this.byDevice) {
      if (tenantId !== undefined && list[0]?.tenantId !== tenantId) continue;
      all.push(...list);
      this.byDevice.delete(key);
    }
    for (const c of all as (PendingCall & { timer: NodeJS.Timeout })[]) {
      clearTimeout(c.timer);
      if (!c.persistent) c.settle(null);
    }
  }

  private take(key: string, requestUUID: string): (PendingCall & { timer: NodeJS.Timeout }) | undefined {
    const list = this.byDevice.get(key);
    const i = list?.findIndex((c) => c.requestUUID === requestUUID) ?? -1;
    if (!list || i < 0) return undefined;
    const [c] = list.splice(i, 1);
    if (!list.length) this.byDevice.delete(key);
    clearTimeout(c!.timer);
    return c;
  }

  private end(requestUUID: string, key: string, reply: Reply | null): void {
    this.take(key, requestUUID)?.settle(reply);
  }
}
