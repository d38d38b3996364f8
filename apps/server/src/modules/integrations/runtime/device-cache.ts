import type { Device } from '@bridgeboard/contracts';

type Limits = { maxNew: number; maxTotal: number };
type FindOrCreate = (
  tenantId: string,
  wanted: { name: string; type: string }[],
  limits?: Limits,
) => Promise<{ devices: Map<string, Device>; created: Device[] }>;

/**
 * Devices by name for the uplink path. Without it every batch costs two extra round trips
 * (find-or-create) although, in steady traffic, every device already exists. Only misses go to
 * the database; DeviceService's 'updated' / 'deleted' events evict (all device changes go through
 * it). Bounded: past `max` entries the cache starts over, which costs one round trip per batch.
 */
export class DeviceNameCache {
  private readonly byTenant = new Map<string, Map<string, Device>>();
  private size = 0;

  constructor(
    private readonly load: FindOrCreate,
    private readonly max = 200_000,
  ) {}

  async findOrCreate(
    tenantId: string,
    wanted: { name: string; type: string }[],
    limits?: Limits,
  ): Promise<{ devices: Map<string, Device>; created: Device[] }> {
    const cached = this.byTenant.get(tenantId);
    const devices = new Map<string, Device>();
    const missing = new Map<string, { name: string; type: string }>();
    for (const w of wanted) {
      if (devices.has(w.name) || missing.has(w.name)) continue;
      const d = cached?.get(w.name);
      if (d) devices.set(w.name, d);
      else missing.set(w.name, w);
    }
    if (!missing.size) return { devices, created: [] };
    const r = await this.load(tenantId, [...missing.values()], limits);
    for (const [name, d] of r.devices) {
      devices.set(name, d);
      this.put(tenantId, d);
    }
    return { devices, created: r.created };
  }

  /** Forgets everything (changes elsewhere may have been missed). */
  clear(): void {
    this.byTenant.clear();
    this.size = 0;
  }

  /** A device changed or was deleted: forget it under any name it was cached by. */
  forget(device: Device): void {
    const m = this.byTenant.get(device.tenantId.id);
    if (!m) return;
    for (const [name, d] of m)
      if (d.id.id === device.id.id) {
        m.delete(name);
        this.size--;
      }
  }

  private put(tenantId: string, d: Device): void {
    if (this.size >= this.max) {
      this.byTenant.clear();
      this.size = 0;
    }
    let m = this.byTenant.get(tenantId);
    if (!m) this.byTenant.set(tenantId, (m = new Map()));
    if (!m.has(d.name)) this.size++;
    m.set(d.name, d);
  }
}
