import type { PageData, PageQuery, QuarantinedMessage } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';
import { newId } from '../../common/ids.js';
import { toPage } from '../../common/paging.js';

/** An uplink taken out of the stream, as the REST API shows it (payload as base64): QuarantinedMessage (contracts). */
export type { QuarantinedMessage };

export interface QuarantineWrite {
  tenantId: string;
  integrationId: string;
  converterId: string | null;
  topic: string;
  payload: Buffer;
  metadata: Record<string, string>;
  error: string;
  errorCode: string;
  attempts: number;
  receivedTime: number;
}

interface Row {
  id: string;
  created_time: string;
  integration_id: string;
  converter_id: string | null;
  topic: string;
  payload: Buffer;
  metadata: Record<string, string>;
  error: string;
  error_code: string;
  attempts: number;
  received_time: string;
}

/** Messages whose decoding failed for the sandbox's reasons (issue 13); reprocessing builds on it. */
export class QuarantineRepository {
  constructor(private readonly db: Db) {}

  /** One statement for all messages of a batch. */
  async add(items: QuarantineWrite[]): Promise<void> {
    if (!items.length) return;
    const now = Date.now();
    const cols = 11;
    const values: unknown[] = [];
    const rows = items.map((m, i) => {
      values.push(newId(), now, m.tenantId, m.integrationId, m.converterId, m.topic, m.payload, JSON.stringify(m.metadata), m.error, m.errorCode, m.attempts, m.receivedTime);
      const b = i * (cols + 1);
      return `(${Array.from({ length: cols + 1 }, (_, k) => `$${b + k + 1}`).join(',')})`;
    });
    await this.db.query(
      `INSERT INTO quarantine (id, created_time, tenant_id, integration_id, converter_id, topic, payload, metadata, error, error_code, attempts, received_time) VALUES ${rows.join(',')}`,
      values,
    );
  }

  async count(tenantId: string, integrationId: string): Promise<number> {
    const [c] = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM quarantine WHERE tenant_id = $1 AND integration_id = $2', [tenantId, integrationId]);
    return Number(c!.n);
  }

  async page(tenantId: string, integrationId: string, p: PageQuery): Promise<PageData<QuarantinedMessage>> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM quarantine WHERE tenant_id = $1 AND integration_id = $2 ORDER BY created_time DESC, id DESC LIMIT $3 OFFSET $4',
      [tenantId, integrationId, p.pageSize, p.page * p.pageSize],
    );
    return toPage(rows.map(toMessage), await this.count(tenantId, integrationId), p);
  }
  // issue 19: reprocessing and discarding

  /** The integration's messages (all, or those of `ids`), oldest first, at most `limit`, after `afterId` in that order. */
  async take(tenantId: string, integrationId: string, ids: string[] | null, after: { receivedTime: number; id: string } | null, limit: number): Promise<QuarantinedRaw[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM quarantine WHERE tenant_id = $1 AND integration_id = $2 AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))
          AND ($4::bigint IS NULL OR (received_time, id) > ($4::bigint, $5::uuid))
        ORDER BY received_time, id LIMIT $6`,
      [tenantId, integrationId, ids, after?.receivedTime ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, attempts: r.attempts, receivedTime: Number(r.received_time) }));
  }

  /** Deletes the integration's messages (all, or those of `ids`); returns how many. */
  async remove(tenantId: string, integrationId: string, ids: string[] | null): Promise<number> {
    const r = await this.db.query('DELETE FROM quarantine WHERE tenant_id = $1 AND integration_id = $2 AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[])) RETURNING 1', [
      tenantId,
      integrationId,
      ids,
    ]);
    return r.length;
  }

  /** Deletes exactly these messages (an empty list deletes nothing). */
  async removeIds(tenantId: string, integrationId: string, ids: string[]): Promise<void> {
    if (ids.length) await this.remove(tenantId, integrationId, ids);
  }

  /** A reprocessing failed again: the new error, one more attempt (one statement for all). */
  async failedAgain(tenantId: string, items: { id: string; error: string; code: string }[]): Promise<void> {
    if (!items.length) return;
    await this.db.query(
      `UPDATE quarantine q SET error = f.error, error_code = f.code, attempts = q.attempts + 1
         FROM unnest($2::uuid[], $3::text[], $4::text[]) AS f(id, error, code)
        WHERE q.tenant_id = $1 AND q.id = f.id`,
      [tenantId, items.map((i) => i.id), items.map((i) => i.error), items.map((i) => i.code)],
    );
  }

}

/** A quarantined message with its payload as bytes (reprocessing). */
export interface QuarantinedRaw {
  id: string;
  topic: string;
  payload: Buffer;
  attempts: number;
  receivedTime: number;
}

const toMessage = (r: Row): QuarantinedMessage => ({
  id: r.id,
  createdTime: Number(r.created_time),
  integrationId: r.integration_id,
  converterId: r.converter_id,
  topic: r.topic,
  payload: r.payload.toString('base64'),
  metadata: r.metadata,
  error: r.error,
  errorCode: r.error_code,
  attempts: r.attempts,
  receivedTime: Number(r.received_time),
});
