export type DropReason = 'tenant_share' | 'buffer_full';

/**
 * Who may add one more event to the debug-event buffer that every tenant shares: at most `total`
 * events (the process's memory bound), at most `perTenant` of them one tenant's. A tenant past its
 * share loses its own events, never another's: so one tenant's debug flood cannot push out another
 * tenant's events (with the defaults, four tenants at their share within one flush fill it; then
 * everybody's extra events are dropped, as `buffer_full`). Refusals are counted per tenant and reason for /metrics
 * (`bridgeboard_debug_events_dropped_total{tenant,reason}`).
 */
export class BufferShares {
  private readonly held = new Map<string, number>();
  private size = 0;
  /** tenant → reason → events refused since start */
  readonly dropped = new Map<string, Record<DropReason, number>>();

  constructor(
    readonly total: number,
    readonly perTenant: number,
  ) {}

  /** Takes a place for one event of the tenant; false (and counted) when it has none. */
  take(tenantId: string): boolean {
    const n = this.held.get(tenantId) ?? 0;
    const refused: DropReason | null = n >= this.perTenant ? 'tenant_share' : this.size >= this.total ? 'buffer_full' : null;
    if (refused) {
      let d = this.dropped.get(tenantId);
      if (!d) this.dropped.set(tenantId, (d = { tenant_share: 0, buffer_full: 0 }));
      d[refused]++;
      return false;
    }
    this.held.set(tenantId, n + 1);
    this.size++;
    return true;
  }

  /** Gives back a place taken (the event could not be kept after all). */
  release(tenantId: string): void {
    const n = this.held.get(tenantId);
    if (!n) return;
    if (n === 1) this.held.delete(tenantId);
    else this.held.set(tenantId, n - 1);
    this.size--;
  }

  /** The buffer was taken for writing: every place is free again. */
  clear(): void {
    this.held.clear();
    this.size = 0;
  }

  /** Events refused since start, all tenants and reasons. */
  get droppedTotal(): number {
    let n = 0;
    for (const d of this.dropped.values()) n += d.tenant_share + d.buffer_full;
    return n;
  }
}
