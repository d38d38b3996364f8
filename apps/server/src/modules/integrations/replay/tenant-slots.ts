import { AppError, ErrorCode } from '../../../common/errors.js';

/**
 * How many pieces of past-message work (replays, their jobs, tests on the archive, quarantine
 * reprocessing) one tenant may run at once on this node. Each holds a chunk of payloads in memory,
 * reads the archive and feeds the shared sandbox workers: without a bound, one tenant admin could
 * start as many as it likes. The sandbox keeps tenants fair with each other; this keeps the number
 * of runners (memory, database connections) bounded.
 */
export class TenantSlots {
  private readonly used = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a slot or throws a 429 naming the limit; call the returned function once to give it back. */
  take(tenantId: string): () => void {
    const n = this.used.get(tenantId) ?? 0;
    if (n >= this.max)
      throw new AppError(
        429,
        ErrorCode.TOO_MANY_REQUESTS,
        `Your tenant already runs ${this.max} replays, tests on the archive or quarantine reprocessings on this server; wait for one to end (or cancel a replay job) and try again`,
      );
    this.used.set(tenantId, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.used.get(tenantId) ?? 1) - 1;
      if (left > 0) this.used.set(tenantId, left);
      else this.used.delete(tenantId);
    };
  }

  /** Runs `fn` holding a slot. */
  async run<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    const give = this.take(tenantId);
    try {
      return await fn();
    } finally {
      give();
    }
  }

  /** Slots a tenant holds (tests, metrics). */
  inUse(tenantId: string): number {
    return this.used.get(tenantId) ?? 0;
  }
}
