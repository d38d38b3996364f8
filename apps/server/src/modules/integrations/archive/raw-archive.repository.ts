import type { Db, Queryable } from '../../../database/db.js';
import { ensurePartitions } from '../../../database/partitions.js';
import { packBytes, pgArray } from '../../../database/pg-array.js';

/** The raw-message archive is partitioned by day on the receive time (whole days expire). */
export const RAW_TABLE = 'raw_message';
export const RAW_UNIT = 'DAYS' as const;

/** One uplink as received, with the converter version that decoded it. */
export interface RawMessage {
  receivedTime: number;
  tenantId: string;
  integrationId: string;
  converterId: string;
  converterVersion: number;
  topic: string;
  payload: Buffer;
  /** the integration's own metadata (configuration.metadata), without topic and integrationName; null when empty */
  metadata: Record<string, string> | null;
}

/** A stored row: its position in the archive (receive time + ctid order) is its identity for paging. */
export interface ArchivedMessage extends Omit<RawMessage, 'metadata'> {
  /** the metadata the converter saw: the integration's own, topic and integrationName (the integration's current name) */
  metadata: Record<string, string>;
  /** opaque cursor to continue after this row */
  cursor: string;
}

interface Row {
  received_time: string;
  tenant_id: string;
  integration_id: string;
  converter_id: string;
  converter_version: string;
  topic: string;
  payload: Buffer;
  metadata: Record<string, string>;
  cursor: string;
}

const toMessage = (r: Row): ArchivedMessage => ({
  receivedTime: Number(r.received_time),
  tenantId: r.tenant_id,
  integrationId: r.integration_id,
  converterId: r.converter_id,
  converterVersion: Number(r.converter_version),
  topic: r.topic,
  payload: r.payload,
  metadata: r.metadata,
  cursor: r.cursor,
});

/** What the converter saw as metadata: the integration's own, then topic and integrationName (as the pipeline builds it). */
const COLS = `r.received_time, r.tenant_id, r.integration_id, r.converter_id, r.converter_version, r.topic, r.payload,
  coalesce(r.metadata, '{}'::jsonb) || jsonb_build_object('topic', r.topic, 'integrationName', coalesce(i.name, '')) AS metadata`;

/** Postgres: "no partition of relation … found for row" */
const NO_PARTITION = '23514';

export interface ArchiveWindow {
  converterId: string;
  startTs: number;
  endTs: number;
  integrationId?: string;
}

/**
 * Every uplink an integration received, kept raw for RAW_RETENTION_DAYS (issue 19). Written once per
 * batch in one statement; read in receive-time order for replays and tests on the past.
 */
export class RawArchiveRepository {
  constructor(private readonly db: Db) {}

  /** One multi-row statement for a whole batch. A day without its partition yet (the upkeep job runs hourly) is created, then the write is tried again. */
  async add(rows: RawMessage[], q: Queryable = this.db): Promise<void> {
    if (!rows.length) return;
    try {
      await this.insert(rows, q);
    } catch (e) {
      if ((e as { code?: string }).code !== NO_PARTITION) throw e;
      let min = Infinity;
      let max = -Infinity;
      for (const r of rows) {
        if (r.receivedTime < min) min = r.receivedTime;
        if (r.receivedTime > max) max = r.receivedTime;
      }
      await ensurePartitions(this.db, RAW_TABLE, RAW_UNIT, min, max);
      await this.insert(rows, q);
    }
  }

  /** A batch comes from one integration: its ids and metadata are sent once, the rest as arrays (one statement per integration). */
  private async insert(rows: RawMessage[], q: Queryable): Promise<void> {
    const groups = new Map<string, RawMessage[]>();
    for (const r of rows) {
      const k = `${r.tenantId}/${r.integrationId}/${r.converterId}`;
      const g = groups.get(k);
      if (g && g[0]!.metadata === r.metadata) g.push(r);
      else if (!g) groups.set(k, [r]);
      else groups.set(`${k}/${groups.size}`, [r]);
    }
    for (const g of groups.values()) {
      const first = g[0]!;
      const bytes = packBytes(g.map((r) => r.payload));
      await q.query(
        `INSERT INTO raw_message (received_time, tenant_id, integration_id, converter_id, converter_version, topic, payload, metadata)
         SELECT t.ts, $2, $3, $4, t.v, t.topic, substring($7::bytea FROM t.off FOR t.len), $8::jsonb
         FROM unnest($1::bigint[], $5::bigint[], $6::text[], $9::int[], $10::int[]) AS t(ts, v, topic, off, len)`,
        [
          pgArray(g.map((r) => r.receivedTime), 'plain'),
          first.tenantId,
          first.integrationId,
          first.converterId,
          pgArray(g.map((r) => r.converterVersion), 'plain'),
          pgArray(g.map((r) => r.topic), 'quoted'),
          bytes.blob,
          first.metadata && Object.keys(first.metadata).length ? JSON.stringify(first.metadata) : null,
          pgArray(bytes.offsets, 'plain'),
          pgArray(bytes.lengths, 'plain'),
        ],
      );
    }
  }

  /** How many archived messages a window holds (a replay job's total). */
  async count(tenantId: string, w: ArchiveWindow): Promise<number> {
    const [r] = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM raw_message WHERE tenant_id = $1 AND converter_id = $2 AND received_time BETWEEN $3 AND $4 AND ($5::uuid IS NULL OR integration_id = $5)`,
      [tenantId, w.converterId, w.startTs, w.endTs, w.integrationId ?? null],
    );
    return Number(r!.n);
  }

  /**
   * The next `limit` messages of a window in receive-time order, after `cursor` (null: from the start).
   * The cursor is the receive time and the row's physical position (ctid), which is stable while the
   * row exists (the archive is never updated, only appended to and dropped by whole days).
   */
  async next(tenantId: string, w: ArchiveWindow, cursor: string | null, limit: number): Promise<ArchivedMessage[]> {
    const [ts, tableoid, ctid] = cursor ? cursor.split('/') : [null, null, null];
    const rows = await this.db.query<Row>(
      `SELECT ${COLS}, r.received_time || '/' || r.tableoid::int || '/' || r.ctid::text AS cursor
         FROM raw_message r LEFT JOIN integration i ON i.id = r.integration_id
        WHERE r.tenant_id = $1 AND r.converter_id = $2 AND r.received_time BETWEEN $3 AND $4 AND ($5::uuid IS NULL OR r.integration_id = $5)
          AND ($6::bigint IS NULL OR (r.received_time, r.tableoid::int, r.ctid) > ($6::bigint, $7::int, $8::tid))
        ORDER BY r.received_time, r.tableoid::int, r.ctid
        LIMIT $9`,
      [tenantId, w.converterId, w.startTs, w.endTs, w.integrationId ?? null, ts, tableoid, ctid, limit],
    );
    return rows.map(toMessage);
  }

  /** The newest `limit` messages a converter decoded, oldest of them first (one backward range of its index). */
  async latest(tenantId: string, converterId: string, limit: number): Promise<ArchivedMessage[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLS}, '' AS cursor FROM raw_message r LEFT JOIN integration i ON i.id = r.integration_id
        WHERE r.tenant_id = $1 AND r.converter_id = $2
        ORDER BY r.received_time DESC LIMIT $3`,
      [tenantId, converterId, limit],
    );
    return rows.map(toMessage).reverse();
  }
}
