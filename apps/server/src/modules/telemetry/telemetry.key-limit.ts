import { AppError, ErrorCode } from '../../common/errors.js';

/**
 * TELEMETRY_MAX_KEYS_PER_DEVICE: one device's distinct time-series keys. Without it one message stored
 * 300,000 keys on one device and every latest-values read of it stalled the platform (issue 14).
 * The keys each device already has are loaded once (one query for all devices new to the cache) and
 * kept, so steady traffic costs no round trip: only keys never seen on the device are counted.
 */
export class DeviceKeyLimit {
  private readonly known = new Map<string, Set<string>>();
  private size = 0;

  constructor(
    private readonly max: number,
    private readonly load: (deviceIds: string[]) => Promise<{ entity_id: string; key: string }[]>,
    private readonly cacheMax = 1_000_000,
  ) {}

  /** Throws a 400 naming the device when its keys plus the new ones would pass the limit. */
  async check(keysByDevice: Map<string, Set<string>>): Promise<void> {
    if (!this.max) return;
    const unknown = [...keysByDevice.keys()].filter((d) => !this.known.has(d));
    if (unknown.length) {
      if (this.size > this.cacheMax) this.clear();
      for (const d of unknown) this.known.set(d, new Set());
      for (const r of await this.load(unknown)) {
        this.known.get(r.entity_id)?.add(r.key);
        this.size++;
      }
    }
    for (const [d, keys] of keysByDevice) {
      const have = this.known.get(d)!;
      let fresh = 0;
      for (const k of keys) if (!have.has(k)) fresh++;
      if (fresh && have.size + fresh > this.max)
        throw new AppError(
          400,
          ErrorCode.INVALID_ARGUMENTS,
          `Device ${d} has ${have.size} time-series keys and this would add ${fresh}; at most ${this.max} are kept per device (TELEMETRY_MAX_KEYS_PER_DEVICE)`,
        );
    }
  }

  /** After a commit: the keys now exist. */
  remember(keysByDevice: Map<string, Set<string>>): void {
    if (!this.max) return;
    for (const [d, keys] of keysByDevice) {
      const have = this.known.get(d);
      if (!have) continue;
      for (const k of keys)
        if (!have.has(k)) {
          have.add(k);
          this.size++;
        }
    }
  }

  forget(deviceId: string): void {
    const have = this.known.get(deviceId);
    if (!have) return;
    this.size -= have.size;
    this.known.delete(deviceId);
  }

  private clear(): void {
    this.known.clear();
    this.size = 0;
  }
}
