import type { DebugEvent, DebugEventBody, EntityType, PageData } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';

interface Row {
  id: string;
  entity_type: EntityType;
  entity_id: string;
  ts: string;
  type: string;
  body: DebugEventBody;
  trace_id: string | null;
}

const toEvent = (r: Row): DebugEvent => ({
  id: r.id,
  createdTime: Number(r.ts),
  entityId: { entityType: r.entity_type, id: r.entity_id },
  type: r.type,
  body: r.body,
  ...(r.trace_id ? { traceId: r.trace_id } : {}),
});

export interface NewDebugEvent {
  id: string;
  tenantId: string;
  entityType: EntityType;
  entityId: string;
  ts: number;
  type: string;
  /** The body as JSON text (`jsonText`), made when the event is recorded: no object graph waits for the write. */
  bodyText: string;
  /** the uplink's or RPC's trace id (null: not traced) */
  traceId: string | null;
  /** recording order, microseconds (orders a trace) */
  seq: number;
}

/** Postgres jsonb cannot hold U+0000: it becomes U+FFFD (the event still shows where it was). */
export function jsonText(body: unknown): string {
  const s = JSON.stringify(body);
  // A NUL in any string shows up as the escape \u0000 in the text; only then pay for the replacer.
  if (!s.includes('\\u0000')) return s;
  return JSON.stringify(body, (_k, v: unknown) => (typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v));
}

/** Debug events; every read is scoped by tenant. */
export class DebugEventRepository {
  constructor(private readonly db: Db) {}

  /**
   * One INSERT for many events. The bodies go as ONE jsonb array (zipped by position with ROWS FROM), not a
   * jsonb[]: a text[] literal would escape every quote of every body on the way out and unescape it in Postgres.
   */
  async insertMany(events: NewDebugEvent[]): Promise<void> {
    if (!events.length) return;
    await this.db.query(
      `INSERT INTO debug_event (id, tenant_id, entity_type, entity_id, ts, type, body, trace_id, seq)
       SELECT * FROM ROWS FROM (unnest($1::uuid[]), unnest($2::uuid[]), unnest($3::text[]), unnest($4::uuid[]),
                                unnest($5::bigint[]), unnest($6::text[]), jsonb_array_elements($7::jsonb), unnest($8::uuid[]),
                                unnest($9::bigint[]))`,
      [
        events.map((e) => e.id),
        events.map((e) => e.tenantId),
        events.map((e) => e.entityType),
        events.map((e) => e.entityId),
        events.map((e) => e.ts),
        events.map((e) => e.type),
        `[${events.map((e) => e.bodyText).join(',')}]`,
        events.map((e) => e.traceId),
        events.map((e) => e.seq),
      ],
    );
  }

  async page(
    tenantId: string,
    entityType: EntityType,
    entityId: string,
    q: { pageSize: number; page: number; startTime?: number; endTime?: number; type?: string; sortOrder?: 'ASC' | 'DESC'; msgType?: string },
  ): Promise<PageData<DebugEvent>> {
    const where = `tenant_id = $1 AND entity_type = $2 AND entity_id = $3 AND ($4::bigint IS NULL OR ts >= $4) AND ($5::bigint IS NULL OR ts <= $5)
      AND ($6::text IS NULL OR type = $6) AND ($7::text IS NULL OR body->>'msgType' = $7)`;
    const args = [tenantId, entityType, entityId, q.startTime ?? null, q.endTime ?? null, q.type ?? null, q.msgType ?? null];
    const dir = q.sortOrder === 'ASC' ? 'ASC' : 'DESC';
    const rows = await this.db.query<Row>(`SELECT * FROM debug_event WHERE ${where} ORDER BY ts ${dir}, id ${dir} LIMIT $8 OFFSET $9`, [
      ...args,
      q.pageSize,
      q.page * q.pageSize,
    ]);
    const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM debug_event WHERE ${where}`, args);
    const total = Number(c!.n);
    return {
      data: rows.map(toEvent),
      totalElements: total,
      totalPages: Math.ceil(total / q.pageSize),
      hasNext: (q.page + 1) * q.pageSize < total,
    };
  }

  /** Every event of one trace in the tenant, in time order (a message's journey); at most `limit`. */
  async trace(tenantId: string, traceId: string, limit: number): Promise<DebugEvent[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM debug_event WHERE tenant_id = $1 AND trace_id = $2 ORDER BY seq, ts LIMIT $3',
      [tenantId, traceId, limit],
    );
    return rows.map(toEvent);
  }

  /** The tenant's newest events that carry an error (the home page's "recent errors"); the WHERE is debug_event_error_idx's. */
  async recentErrors(tenantId: string, limit: number): Promise<DebugEvent[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM debug_event WHERE tenant_id = $1 AND coalesce(body->>'error', '') <> '' ORDER BY ts DESC, id DESC LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map(toEvent);
  }

  async clear(tenantId: string, entityType: EntityType, entityId: string): Promise<number> {
    const r = await this.db.query('DELETE FROM debug_event WHERE tenant_id = $1 AND entity_type = $2 AND entity_id = $3 RETURNING 1', [
      tenantId,
      entityType,
      entityId,
    ]);
    return r.length;
  }

  /** Keeps the newest `max` events of each given entity. */
  async trim(entityIds: string[], max: number): Promise<void> {
    if (!entityIds.length) return;
    await this.db.query(
      `DELETE FROM debug_event d USING (
         SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY entity_id ORDER BY ts DESC, id DESC) AS rn
                         FROM debug_event WHERE entity_id = ANY($1::uuid[])) x WHERE rn > $2) old
       WHERE d.id = old.id`,
      [entityIds, max],
    );
  }

  async deleteOlderThan(ts: number): Promise<void> {
    await this.db.query('DELETE FROM debug_event WHERE ts < $1', [ts]);
  }
}
