/** How many one-minute buckets a window keeps: rates over 1 and 15 minutes, a 15-point sparkline. */
export const RATE_MINUTES = 15;

/**
 * Counts per minute over the last RATE_MINUTES minutes, in a ring of buckets: `add` is two array
 * writes, so it sits on the message path without cost. The minute in progress counts as it is.
 */
export class RateWindow {
  private readonly buckets = new Float64Array(RATE_MINUTES);
  private readonly minutes = new Float64Array(RATE_MINUTES).fill(-1);

  add(n: number, now: number): void {
    const m = Math.floor(now / 60_000);
    const i = m % RATE_MINUTES;
    if (this.minutes[i] !== m) {
      this.minutes[i] = m;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += n;
  }

  /** Counts of the last RATE_MINUTES minutes, oldest first (the current minute last). */
  perMinute(now: number): number[] {
    const m = Math.floor(now / 60_000);
    const out: number[] = [];
    for (let k = m - RATE_MINUTES + 1; k <= m; k++) {
      const i = k % RATE_MINUTES;
      out.push(this.minutes[i] === k ? this.buckets[i]! : 0);
    }
    return out;
  }

  /**
   * Per second over the last `minutes` minutes: the minutes before this one, plus the part of this
   * one that has passed (a 1-minute rate half a minute in is the last 1.5 minutes' count over 90 s);
   * the 15-minute rate is 14 whole minutes and this one (the ring holds 15).
   */
  perSecond(minutes: number, now: number): number {
    const counts = this.perMinute(now);
    const span = Math.min(minutes, RATE_MINUTES - 1);
    const sum = counts.slice(RATE_MINUTES - 1 - span).reduce((a, b) => a + b, 0);
    const seconds = span * 60 + (now % 60_000) / 1000;
    return seconds > 0 ? sum / seconds : 0;
  }

  /** The minutes in the window that counted something, by minute number (what integration_stats keeps). */
  counts(now: number): Record<string, number> {
    const m = Math.floor(now / 60_000);
    const out: Record<string, number> = {};
    this.perMinute(now).forEach((n, k) => {
      if (n) out[m - RATE_MINUTES + 1 + k] = n;
    });
    return out;
  }

  /** Replaces the counts with stored ones (after a restart, or from the cluster's total); older minutes are left out. */
  load(counts: Record<string, number>, now: number): void {
    const m = Math.floor(now / 60_000);
    this.minutes.fill(-1);
    for (const [k, n] of Object.entries(counts)) {
      const minute = Number(k);
      if (minute > m - RATE_MINUTES && minute <= m && n > 0) this.add(n, minute * 60_000);
    }
  }
}
