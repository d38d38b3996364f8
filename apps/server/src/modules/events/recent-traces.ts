/**
 * The traces that recorded a debug event lately: a later step of the same message that has no debug
 * mode of its own (the live push) asks here whether somebody debugs this message, so it records an
 * event only when the message's other steps did. Filled only by recorded events, so it stays empty,
 * and costs one size check, while nobody debugs. A trace is remembered for `ttlMs` from its first
 * event and at most `max` traces are kept (the oldest go first); once debugging stops, the first
 * question after `ttlMs` empties it again.
 */
export class RecentTraces {
  /** trace id → time of its first event; insertion order is age order */
  private readonly firstSeen = new Map<string, number>();
  /** the oldest entry's time (Infinity when empty) */
  private oldest = Infinity;

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  note(traceId: string, now: number): void {
    if (this.firstSeen.has(traceId)) return;
    if (!this.firstSeen.size) this.oldest = now;
    this.firstSeen.set(traceId, now);
    if (this.firstSeen.size > this.max) {
      this.firstSeen.delete(this.firstSeen.keys().next().value!);
      this.oldest = this.firstSeen.values().next().value!;
    }
  }

  has(traceId: string, now: number): boolean {
    if (!this.firstSeen.size) return false;
    if (now - this.oldest >= this.ttlMs) this.prune(now);
    const at = this.firstSeen.get(traceId);
    return at !== undefined && now - at < this.ttlMs;
  }

  /** Forgets the traces past their time (also called with each flush of the buffer). */
  prune(now: number): void {
    for (const [id, at] of this.firstSeen) {
      if (now - at < this.ttlMs) {
        this.oldest = at;
        return;
      }
      this.firstSeen.delete(id);
    }
    this.oldest = Infinity;
  }

  get size(): number {
    return this.firstSeen.size;
  }
}
