import type { ConverterVersion, PageData, PageQuery } from '@bridgeboard/contracts';

export type { ConverterVersion };
import type { Db } from '../../database/db.js';
import { toPage } from '../../common/paging.js';
import type { ConverterRecord } from './converter.repository.js';

/** Who saved: the caller of the REST API (null for saves made by the platform itself, e.g. imports at start). */
export interface SavedBy {
  id: string;
  email: string;
}

/** Versions are written by ConverterRepository with the save itself (one statement); this reads them. */

interface Row {
  version: string;
  created_time: string;
  created_by: string | null;
  created_by_email: string | null;
  comment: string | null;
  name: string;
  configuration: ConverterRecord['configuration'];
}

const toVersion = (r: Row): ConverterVersion => ({
  version: Number(r.version),
  createdTime: Number(r.created_time),
  createdBy: r.created_by ? { id: r.created_by, email: r.created_by_email ?? '' } : null,
  comment: r.comment,
  name: r.name,
  configuration: r.configuration,
});

/**
 * Every save of a converter (issue 19). A version's number is the converter's `version` after that
 * save (1 for the first, +1 per save), so the archive can name the version that decoded a message.
 */
export class ConverterVersionRepository {
  constructor(private readonly db: Db) {}

  /** Newest first. */
  async page(tenantId: string, converterId: string, p: PageQuery): Promise<PageData<ConverterVersion>> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM converter_version WHERE tenant_id = $1 AND converter_id = $2 ORDER BY version DESC LIMIT $3 OFFSET $4',
      [tenantId, converterId, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM converter_version WHERE tenant_id = $1 AND converter_id = $2', [tenantId, converterId]);
    return toPage(rows.map(toVersion), Number(c!.n), p);
  }

  async find(tenantId: string, converterId: string, version: number): Promise<ConverterVersion | null> {
    const [r] = await this.db.query<Row>('SELECT * FROM converter_version WHERE tenant_id = $1 AND converter_id = $2 AND version = $3', [tenantId, converterId, version]);
    return r ? toVersion(r) : null;
  }

  /** Several versions of one converter at once (replay: the versions that first decoded the archived messages). */
  async findMany(tenantId: string, converterId: string, versions: number[]): Promise<Map<number, ConverterVersion>> {
    if (!versions.length) return new Map();
    const rows = await this.db.query<Row>('SELECT * FROM converter_version WHERE tenant_id = $1 AND converter_id = $2 AND version = ANY($3::bigint[])', [tenantId, converterId, versions]);
    return new Map(rows.map((r) => [Number(r.version), toVersion(r)]));
  }
}
