import type { PageData, PageQuery } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';
import { newId } from '../../common/ids.js';
import { toPage } from '../../common/paging.js';

/** An uplink taken out of the stream, as the REST API shows it (payload as base64). */
export interface QuarantinedMessage {
  id: string;
  createdTime: number;
  integrationId: string;
  converterId: string | null;
  topic: string;
  payload: string;
  metadata: Record<string, string>;
  error: string;
  errorCode: string;
  attempts: number;
  receivedTime: number;
}

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
