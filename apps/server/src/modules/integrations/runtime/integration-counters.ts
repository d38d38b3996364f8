import type { LimitKind } from './uplink-limits.js';
import type { SilenceWatch } from './silence-watch.js';

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
  silence: null,
});
