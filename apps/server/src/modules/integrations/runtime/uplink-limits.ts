import type { DecodedUplink } from './ports.js';

/**
 * Limits on what one integration's uplinks may make the platform store (issue 14, finding 3).
 * Each refusal is that message's ERROR event, counted under its kind in the integration's status;
 * the messages around it go on as usual.
 */
export type LimitKind = 'messageSize' | 'keysPerMessage' | 'keysPerDevice' | 'newDevicesPerMinute' | 'devicesPerTenant';

/** An error that is a limit, so the integration counts it under its kind. */
export class LimitError extends Error {
  constructor(
    readonly kind: LimitKind,
    message: string,
  ) {
    super(message);
  }
}

/** Values one message carries: every telemetry key of every timestamp, plus attributes, over all its results. */
export function valuesIn(results: DecodedUplink[]): number {
  let n = 0;
  for (const r of results) {
    n += r.attributes ? Object.keys(r.attributes).length : 0;
    for (const t of r.telemetry ?? []) n += Object.keys(t.values).length;
  }
  return n;
}

/** Throws a LimitError when a message carries more values than `max` (0 = no limit). */
export function checkValuesPerMessage(results: DecodedUplink[], max: number): void {
  if (!max) return;
  const n = valuesIn(results);
  if (n > max)
    throw new LimitError('keysPerMessage', `The message carries ${n} telemetry and attribute values; at most ${max} are stored from one message (TELEMETRY_MAX_KEYS_PER_MESSAGE); dropped`);
}

/** A token bucket: `perMinute` tokens a minute, never more than `perMinute` saved up (0 = no limit). */
export class PerMinuteBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.at = now();
  }

  available(): number {
    if (!this.perMinute) return Infinity;
    const t = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.at) * this.perMinute) / 60_000);
    this.at = t;
    return Math.floor(this.tokens);
  }

  take(n: number): void {
    if (this.perMinute) this.tokens = Math.max(0, this.tokens - n);
  }
}
