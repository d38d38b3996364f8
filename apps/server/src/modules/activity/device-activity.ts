/** What DeviceActivity needs from the world (Postgres through ActivityRepository, attributes through TelemetryService). */
export interface ActivityPorts {
  /** writes SERVER_SCOPE attributes of many devices in one batch */
  save(items: { tenantId: string; deviceId: string; attributes: Record<string, unknown> }[]): Promise<void>;
  /** the devices' own `inactivityTimeout` server attribute (ms), where they have one */
  timeouts(deviceIds: string[]): Promise<Map<string, number>>;
  /** the devices' stored `lastActivityTime` (written by any node of a cluster) */
  lastActivity(deviceIds: string[]): Promise<Map<string, number>>;
}

interface Entry {
  tenantId: string;
  /** last uplink, ms */
  last: number;
  /** as last written (or loaded) */
  active: boolean;
  /** lastActivityTime moved since the last write */
  dirty: boolean;
  /** the device's own inactivityTimeout (ms); undefined = not looked up yet, null = none */
  timeoutMs: number | null | undefined;
}

/**
 * ThingsBoard's device state: server attributes `active` and `lastActivityTime`, with an inactivity
 * timeout (the device's `inactivityTimeout` server attribute in ms, else the platform default). An
 * uplink only touches memory; `tick` writes every device that moved since the last tick in one batch
 * and turns `active` off for devices silent longer than their timeout (`inactivityAlarmTime` as TB).
 * Before turning a device off it reads the stored lastActivityTime: in a cluster another node may have
 * received its uplinks since (an integration moved, or this node only restored it at start). Only
 * devices active or moved since the last write are kept in memory.
 */
export class DeviceActivity {
  private readonly devices = new Map<string, Entry>();

  constructor(
    private readonly ports: ActivityPorts,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Devices that were active when the platform stopped: they go inactive after their timeout even without traffic. */
  restore(rows: { tenantId: string; deviceId: string; lastActivityTime: number }[]): void {
    for (const r of rows)
      if (!this.devices.has(r.deviceId))
        this.devices.set(r.deviceId, {
          tenantId: r.tenantId,
          last: r.lastActivityTime,
          active: true,
          dirty: false,
          timeoutMs: undefined,
        });
  }

  /** An uplink of these devices was committed (memory only). */
  touch(tenantId: string, deviceId: string, now: number): void {
    const e = this.devices.get(deviceId);
    if (e) {
      e.last = now;
      e.dirty = true;
    } else
      this.devices.set(deviceId, { tenantId, last: now, active: false, dirty: true, timeoutMs: undefined });
  }

  /** The device's inactivityTimeout server attribute was written (ms; anything else: back to the default). */
  timeoutChanged(deviceId: string, value: unknown): void {
    const e = this.devices.get(deviceId);
    if (e) e.timeoutMs = validTimeout(value);
  }

  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  isActive(deviceId: string): boolean {
    return this.devices.get(deviceId)?.active ?? false;
  }

  /** How many devices are kept in memory (active, or moved since the last write). */
  get size(): number {
    return this.devices.size;
  }

  /** Writes what moved since the last tick; returns how many devices were written. A failed write is retried next tick. */
  async tick(now: number): Promise<number> {
    const unknown = [...this.devices].filter(([, e]) => e.timeoutMs === undefined).map(([id]) => id);
    if (unknown.length) {
      const found = await this.ports.timeouts(unknown);
      for (const id of unknown) {
        const e = this.devices.get(id);
        if (e && e.timeoutMs === undefined) e.timeoutMs = validTimeout(found.get(id));
      }
    }
    const silent = [...this.devices].filter(([, e]) => e.active && !e.dirty && !this.alive(e, now));
    if (silent.length) {
      const stored = await this.ports.lastActivity(silent.map(([id]) => id));
      for (const [id, e] of silent) e.last = Math.max(e.last, stored.get(id) ?? 0);
    }
    const items: { tenantId: string; deviceId: string; attributes: Record<string, unknown> }[] = [];
    const done: (() => void)[] = [];
    for (const [id, e] of this.devices) {
      const alive = this.alive(e, now);
      if (e.dirty) {
        const attributes: Record<string, unknown> = { lastActivityTime: e.last };
        if (!e.active && alive) attributes.active = true;
        items.push({ tenantId: e.tenantId, deviceId: id, attributes });
        const last = e.last;
        done.push(() => {
          if (e.last === last) e.dirty = false;
          if (alive) e.active = true;
          this.release(id, e);
        });
      } else if (e.active && !alive) {
        items.push({
          tenantId: e.tenantId,
          deviceId: id,
          attributes: { active: false, inactivityAlarmTime: now },
        });
        done.push(() => {
          e.active = false;
          this.release(id, e);
        });
      }
    }
    if (!items.length) return 0;
    await this.ports.save(items);
    for (const d of done) d();
    return items.length;
  }

  private alive(e: Entry, now: number): boolean {
    return now - e.last < (e.timeoutMs ?? this.defaultTimeoutMs);
  }

  /** A device written inactive, with nothing left to write, is forgotten until its next uplink. */
  private release(id: string, e: Entry): void {
    if (!e.active && !e.dirty && this.devices.get(id) === e) this.devices.delete(id);
  }
}

function validTimeout(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}
