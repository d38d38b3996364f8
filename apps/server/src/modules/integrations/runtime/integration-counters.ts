import type { IntegrationRates } from '@bridgeboard/contracts';
import type { LimitKind } from './uplink-limits.js';
import type { SilenceWatch } from './silence-watch.js';
import { RATE_MINUTES, RateWindow } from './rate-window.js';
import type { CounterDelta, StoredCounters } from './integration-stats.js';

/** What the runtime counts per integration since the platform started (status REST, live status, GET /metrics). */
export interface Counters {
  /** set once the integration ran in this process (what GET /metrics labels its series with) */
  tenantId: string | null;
  messagesIn: number;
  messagesOut: number;
  errors: number;
  lastMessageTime: number | null;
  lastError: string | null;
  /** messages in the integration's quarantine */
  quarantined: number;
  /** messages refused by a limit, per limit */
  refused: Partial<Record<LimitKind, number>>;
  /** uplink errors per kind (a limit's kind, 'converter', 'quarantined', 'unavailable'), for GET /metrics */
  uplinkErrors: Record<string, number>;
  /** uplinks and errors per minute over the last 15 minutes (rates, the home page's sparkline) */
  rateIn: RateWindow;
  rateErrors: RateWindow;
  /** while running with configuration.silenceAlertMin set (here, not in Running: the message path has the counters at hand) */
  silence: SilenceWatch | null;
}

/** One integration's series for GET /metrics, read at scrape time. */
export interface IntegrationMetrics {
  tenantId: string;
  integrationId: string;
  messagesIn: number;
  messagesOut: number;
  connected: boolean;
  lastMessageTime: number | null;
  uplinkErrors: Readonly<Record<string, number>>;
}

/** Rates rounded for display (3 decimals: a device every 15 minutes still shows). */
export function ratesOf(c: Pick<Counters, 'rateIn' | 'rateErrors'>, now: number): IntegrationRates {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    in1m: r(c.rateIn.perSecond(1, now)),
    in15m: r(c.rateIn.perSecond(15, now)),
    errors15m: r(c.rateErrors.perSecond(15, now)),
    perMinute: c.rateIn.perMinute(now),
  };
}

export const newCounters = (): Counters => ({
  tenantId: null,
  messagesIn: 0,
  messagesOut: 0,
  errors: 0,
  lastMessageTime: null,
  lastError: null,
  quarantined: 0,
  refused: {},
  uplinkErrors: {},
  rateIn: new RateWindow(),
  rateErrors: new RateWindow(),
  silence: null,
});

/** Takes the stored counters and rates (at start, or adopting an integration another node ran). */
export function restoreCounters(c: Counters, s: StoredCounters, now: number): void {
  Object.assign(c, {
    messagesIn: s.messagesIn,
    messagesOut: s.messagesOut,
    errors: s.errors,
    lastMessageTime: s.lastMessageTime,
    lastError: s.lastError,
  });
  c.rateIn.load(s.perMinuteIn, now);
  c.rateErrors.load(s.perMinuteErrors, now);
}

/** Rates from stored per-minute counts (an integration another node runs, as of its last flush). */
export function storedRates(s: StoredCounters, now: number): IntegrationRates {
  const c = { rateIn: new RateWindow(), rateErrors: new RateWindow() };
  c.rateIn.load(s.perMinuteIn, now);
  c.rateErrors.load(s.perMinuteErrors, now);
  return ratesOf(c, now);
}

/** The counters as they are now, to write (what a flush compares with next time). */
export function storedOf(c: Counters, now: number): StoredCounters {
  const { messagesIn, messagesOut, errors, lastMessageTime, lastError } = c;
  return {
    messagesIn,
    messagesOut,
    errors,
    lastMessageTime,
    lastError,
    perMinuteIn: c.rateIn.counts(now),
    perMinuteErrors: c.rateErrors.counts(now),
  };
}

/** What `c` gained since `f` was written; null when nothing moved. */
export function deltaOf(id: string, c: StoredCounters, f: StoredCounters): CounterDelta | null {
  const moved = c.lastMessageTime !== f.lastMessageTime;
  const errMoved = c.lastError !== f.lastError;
  const perMinuteIn = minutesGained(c.perMinuteIn, f.perMinuteIn);
  const perMinuteErrors = minutesGained(c.perMinuteErrors, f.perMinuteErrors);
  if (
    c.messagesIn === f.messagesIn &&
    c.messagesOut === f.messagesOut &&
    c.errors === f.errors &&
    !moved &&
    !errMoved &&
    !perMinuteIn &&
    !perMinuteErrors
  )
    return null;
  return {
    integrationId: id,
    messagesIn: c.messagesIn - f.messagesIn,
    messagesOut: c.messagesOut - f.messagesOut,
    errors: c.errors - f.errors,
    lastMessageTime: moved ? c.lastMessageTime : null,
    lastError: errMoved ? { value: c.lastError } : null,
    perMinuteIn: perMinuteIn ?? {},
    perMinuteErrors: perMinuteErrors ?? {},
  };
}

export const NO_STORED_COUNTERS: StoredCounters = {
  messagesIn: 0,
  messagesOut: 0,
  errors: 0,
  lastMessageTime: null,
  lastError: null,
  perMinuteIn: {},
  perMinuteErrors: {},
};

/** Counts per minute gained (minutes still in the window only: one that left it is not taken back); null if none. */
function minutesGained(
  now: Record<string, number>,
  was: Record<string, number>,
): Record<string, number> | null {
  let out: Record<string, number> | null = null;
  for (const [k, n] of Object.entries(now)) {
    const d = n - (was[k] ?? 0);
    if (d) (out ??= {})[k] = d;
  }
  return out;
}

/** The first minute number a flush at `now` keeps in integration_stats. */
export const firstRateMinute = (now: number): number => Math.floor(now / 60_000) - RATE_MINUTES + 1;
