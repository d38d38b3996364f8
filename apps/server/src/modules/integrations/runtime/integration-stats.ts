import type { Db } from '../../../database/db.js';

/** The counters kept across restarts (what the status shows as in / out / errors / last message). */
export interface StoredCounters {
  messagesIn: number;
  messagesOut: number;
  errors: number;
  lastMessageTime: number | null;
  lastError: string | null;
  /** uplinks and errors per minute of the last 15 minutes, by minute number (the rates) */
  perMinuteIn: Record<string, number>;
  perMinuteErrors: Record<string, number>;
}

/** What changed since the last write: counts to add, and the last message/error when they moved. */
export interface CounterDelta {
  integrationId: string;
  messagesIn: number;
  messagesOut: number;
  errors: number;
  lastMessageTime: number | null;
  lastError: { value: string | null } | null;
  /** counts to add per minute number */
  perMinuteIn: Record<string, number>;
  perMinuteErrors: Record<string, number>;
}

/**
 * Counters of every integration, kept in Postgres so a restart does not reset them to 0 and "—".
 * Writes add deltas (not totals), so several processes counting the same integration add up.
 */
export class IntegrationStatsRepository {
  constructor(private readonly db: Db) {}

  /** Every integration's counters, or those of `ids`. */
  async all(ids?: string[]): Promise<Map<string, StoredCounters>> {
    const rows = await this.db.query<{
      integration_id: string;
      messages_in: string;
      messages_out: string;
      errors: string;
      last_message_time: string | null;
      last_error: string | null;
      per_minute_in: Record<string, number>;
      per_minute_errors: Record<string, number>;
    }>('SELECT * FROM integration_stats WHERE $1::uuid[] IS NULL OR integration_id = ANY($1::uuid[])', [
      ids ?? null,
    ]);
    return new Map(
      rows.map((r) => [
        r.integration_id,
        {
          messagesIn: Number(r.messages_in),
          messagesOut: Number(r.messages_out),
          errors: Number(r.errors),
          lastMessageTime: r.last_message_time === null ? null : Number(r.last_message_time),
          lastError: r.last_error || null,
          perMinuteIn: r.per_minute_in,
          perMinuteErrors: r.per_minute_errors,
        },
      ]),
    );
  }

  /**
   * Adds the deltas in one statement. Rows go in id order (as every multi-row write does) so two
   * writers never deadlock; integrations deleted meanwhile are skipped. Per-minute counts before
   * `sinceMinute` are dropped.
   */
  async add(deltas: CounterDelta[], sinceMinute: number): Promise<void> {
    if (!deltas.length) return;
    const d = [...deltas].sort((a, b) =>
      a.integrationId < b.integrationId ? -1 : a.integrationId > b.integrationId ? 1 : 0,
    );
    // last_error: NULL = unchanged, '' = cleared (the error went away), text = the new error
    await this.db.query(
      `INSERT INTO integration_stats AS s (integration_id, messages_in, messages_out, errors, last_message_time, last_error,
         per_minute_in, per_minute_errors)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::jsonb[], $8::jsonb[])
         AS x(id, i, o, e, t, err, pi, pe)
       WHERE EXISTS (SELECT 1 FROM integration WHERE id = x.id)
       ORDER BY x.id
       ON CONFLICT (integration_id) DO UPDATE SET
         messages_in = s.messages_in + EXCLUDED.messages_in,
         messages_out = s.messages_out + EXCLUDED.messages_out,
         errors = s.errors + EXCLUDED.errors,
         last_message_time = GREATEST(s.last_message_time, EXCLUDED.last_message_time),
         last_error = COALESCE(EXCLUDED.last_error, s.last_error),
         per_minute_in = integration_minutes_add(s.per_minute_in, EXCLUDED.per_minute_in, $9),
         per_minute_errors = integration_minutes_add(s.per_minute_errors, EXCLUDED.per_minute_errors, $9)`,
      [
        d.map((x) => x.integrationId),
        d.map((x) => x.messagesIn),
        d.map((x) => x.messagesOut),
        d.map((x) => x.errors),
        d.map((x) => x.lastMessageTime),
        d.map((x) => (x.lastError === null ? null : (x.lastError.value ?? ''))),
        d.map((x) => JSON.stringify(x.perMinuteIn)),
        d.map((x) => JSON.stringify(x.perMinuteErrors)),
        sinceMinute,
      ],
    );
  }
}
