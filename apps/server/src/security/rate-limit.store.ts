/**
 * Counters behind login throttling and the per-tenant REST rate limit.
 *
 * They live in memory, which is right for one instance. With several instances behind a
 * load balancer each one would count on its own (an attacker gets N times the budget), so
 * replace these two interfaces with a shared store: in Redis, `fail` is INCR + PEXPIRE on
 * `fail:<key>` plus SET `block:<key>` PX blockMs, and `take` is one Lua script per bucket
 * (GCRA / token bucket); in Postgres, one UPSERT per call on a small unlogged table.
 * Every method is async so such a store drops in without touching the callers.
 */

/** Failed attempts per key (e.g. a client address), with a block once there were too many. */
export interface FailureStore {
  /** Records one failure; returns how many fell inside the window and, once blocked, until when (ms epoch; 0 = not blocked). */
  fail(key: string, now: number, rule: FailureRule): Promise<{ failures: number; blockedUntil: number }>;
  /** When the key's block ends (ms epoch), or 0 when it is not blocked. */
  blockedUntil(key: string, now: number): Promise<number>;
  /** Forgets the key's failures (after a success). */
  reset(key: string): Promise<void>;
}
export interface FailureRule {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

/** One token bucket: `capacity` requests per `periodMs`, refilled continuously. */
export interface RateLimit {
  capacity: number;
  periodMs: number;
}

/** Token buckets per key (e.g. a tenant). */
export interface RateLimitStore {
  /** Takes one token from every bucket of the key; 0 when allowed, else the ms until it would be. Nothing is taken when refused. */
  take(key: string, limits: readonly RateLimit[], now: number): Promise<number>;
}

/** Keys idle this long are dropped, so memory stays bounded by the active keys. */
const IDLE_MS = 10 * 60_000;
const SWEEP_EVERY = 1000;

export class InMemoryFailureStore implements FailureStore {
  private readonly entries = new Map<string, { times: number[]; blockedUntil: number; touched: number }>();
  private ops = 0;

  async fail(
    key: string,
    now: number,
    rule: FailureRule,
  ): Promise<{ failures: number; blockedUntil: number }> {
    this.sweep(now);
    const e = this.entries.get(key) ?? { times: [], blockedUntil: 0, touched: now };
    e.times = e.times.filter((t) => t > now - rule.windowMs);
    e.times.push(now);
    e.touched = now;
    const failures = e.times.length;
    if (failures >= rule.maxFailures) {
      e.blockedUntil = now + rule.blockMs;
      e.times = [];
    }
    this.entries.set(key, e);
    return { failures, blockedUntil: e.blockedUntil > now ? e.blockedUntil : 0 };
  }

  async blockedUntil(key: string, now: number): Promise<number> {
    const until = this.entries.get(key)?.blockedUntil ?? 0;
    return until > now ? until : 0;
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private sweep(now: number): void {
    if (++this.ops % SWEEP_EVERY) return;
    for (const [k, e] of this.entries)
      if (e.touched < now - IDLE_MS && e.blockedUntil < now) this.entries.delete(k);
  }
}

export class InMemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, { tokens: number[]; last: number }>();
  private ops = 0;

  async take(key: string, limits: readonly RateLimit[], now: number): Promise<number> {
    this.sweep(now);
    let b = this.buckets.get(key);
    if (!b || b.tokens.length !== limits.length) {
      b = { tokens: limits.map((l) => l.capacity), last: now };
      this.buckets.set(key, b);
    }
    const elapsed = Math.max(0, now - b.last);
    const tokens = limits.map((l, i) =>
      Math.min(l.capacity, b.tokens[i]! + (elapsed * l.capacity) / l.periodMs),
    );
    b.last = now;
    b.tokens = tokens;
    let waitMs = 0;
    limits.forEach((l, i) => {
      if (tokens[i]! < 1) waitMs = Math.max(waitMs, Math.ceil(((1 - tokens[i]!) * l.periodMs) / l.capacity));
    });
    if (waitMs > 0) return waitMs;
    b.tokens = tokens.map((t) => t - 1);
    return 0;
  }

  private sweep(now: number): void {
    if (++this.ops % SWEEP_EVERY) return;
    for (const [k, b] of this.buckets) if (b.last < now - IDLE_MS) this.buckets.delete(k);
  }
}

/**
 * Parses ThingsBoard's rate limit notation "100:1,2000:60" (capacity:seconds, comma separated).
 * "off" (or an empty string) means no limit.
 */
export function parseRateLimits(spec: string): RateLimit[] {
  const s = spec.trim();
  if (!s || s.toLowerCase() === 'off') return [];
  return s.split(',').map((part) => {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
      throw new Error(`"${part}" is not a rate limit: write capacity:seconds, e.g. 100:1,2000:60`);
    return { capacity: Number(m[1]), periodMs: Number(m[2]) * 1000 };
  });
}

/** Injection tokens, so a shared (Redis, Postgres) store can be provided instead of the in-memory one. */
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');
export const FAILURE_STORE = Symbol('FAILURE_STORE');
