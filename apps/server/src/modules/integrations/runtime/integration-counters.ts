import type { IntegrationRates } from '@bridgeboard/contracts';
import type { LimitKind } from './uplink-limits.js';
import type { SilenceWatch } from './silence-watch.js';
import { RateWindow } from './rate-window.js';

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
