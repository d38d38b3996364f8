import { AppError, ErrorCode } from '../../common/errors.js';

/** One (device, key) pair of a batch. */
export interface KeyOf {
  entityId: string;
  key: string;
}

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

  /**
   * Throws a 400 naming the device when its keys plus the new ones would pass the limit. `rows`:
   * the batch's (device, key) pairs, each once (the latest rows). Steady traffic allocates nothing here.
   */
  async check(rows: readonly KeyOf[]): Promise<void> {
    if (!this.max) return;
    let unknown: Set<string> | null = null;
    for (const r of rows) if (!this.known.has(r.entityId)) (unknown ??= new Set()).add(r.entityId);
    if (unknown) {
      if (this.size > this.cacheMax) this.clear();
      for (const d of unknown) this.known.set(d, new Set());
      for (const r of await this.load([...unknown])) {
        this.known.get(r.entity_id)?.add(r.key);
        this.size++;
      }
    }
    let fresh: Map<string, number> | null = null;
    for (const r of rows)
      if (!this.known.get(r.entityId)!.has(r.key)) (fresh ??= new Map()).set(r.entityId, (fresh.get(r.entityId) ?? 0) + 1);
    if (!fresh) return;
    for (const [d, n] of fresh) {
      const have = this.known.get(d)!;
      if (have.size + n > this.max)
        throw new AppError(
          400,
          ErrorCode.INVALID_ARGUMENTS,
          `Device ${d} has ${have.size} time-series keys and this would add ${n}; at most ${this.max} are kept per device (TELEMETRY_MAX_KEYS_PER_DEVICE)`,
        );
    }
  }

  /** After a commit: the keys now exist. */
  remember(rows: readonly KeyOf[]): void {
    if (!this.max) return;
    for (const r of rows) {
      const have = this.known.get(r.entityId);
      if (!have || have.has(r.key)) continue;
      have.add(r.key);
      this.size++;
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
