import type { ConverterTestCase, ConverterType, PageData, PageQuery } from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';
import { newId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';
import { versionGuard } from '../../common/versioning.js';

/** A converter as stored; the service turns it into the API shape (debug mode is time-dependent). */
export interface ConverterRecord {
  id: string;
  createdTime: number;
  tenantId: string;
  name: string;
  type: ConverterType;
  debugMode: boolean;
  debugModePinned: boolean;
  debugModeSince: number | null;
  configuration: { scriptLang: 'JS'; decoder?: string; encoder?: string; [k: string]: unknown };
  additionalInfo: Record<string, unknown> | null;
  testCases: ConverterTestCase[];
  version: number;
}
export type ConverterFields = Omit<ConverterRecord, 'id' | 'createdTime' | 'tenantId' | 'version'>;

interface Row {
  id: string;
  created_time: string;
  tenant_id: string;
  name: string;
  type: ConverterType;
  debug_mode: boolean;
  debug_mode_pinned: boolean;
  debug_mode_since: string | null;
  configuration: ConverterRecord['configuration'];
  additional_info: Record<string, unknown> | null;
  test_cases: ConverterTestCase[];
  version: string;
}

const toRecord = (r: Row): ConverterRecord => ({
  id: r.id,
  createdTime: Number(r.created_time),
  tenantId: r.tenant_id,
  name: r.name,
  type: r.type,
  debugMode: r.debug_mode,
  debugModePinned: r.debug_mode_pinned,
  debugModeSince: r.debug_mode_since == null ? null : Number(r.debug_mode_since),
  configuration: r.configuration,
  additionalInfo: r.additional_info,
  testCases: r.test_cases ?? [],
  version: Number(r.version),
});

const SORT = sortColumns({ name: 'name', type: 'type', createdTime: 'created_time' });
const params = (f: ConverterFields) => [
  f.name,
  f.type,
  f.debugMode,
  f.debugModePinned,
  f.debugModeSince,
  JSON.stringify(f.configuration),
  f.additionalInfo == null ? null : JSON.stringify(f.additionalInfo),
  JSON.stringify(f.testCases),
];

/** Who saved a converter and why: kept with the version the save makes. */
export interface VersionNote {
  by: { id: string; email: string } | null;
  comment: string | null;
}
const noteParams = (n: VersionNote) => [Date.now(), n.by?.id ?? null, n.by?.email ?? null, n.comment];

/** Wraps a statement RETURNING the converter row so that the same statement also writes its version (params from `$base`). */
const withVersion = (sql: string, base: number) => `WITH c AS (${sql}),
  v AS (INSERT INTO converter_version (converter_id, version, tenant_id, created_time, created_by, created_by_email, comment, name, configuration)
        SELECT id, version, tenant_id, $${base}::bigint, $${base + 1}::uuid, $${base + 2}::text, $${base + 3}::text, name, configuration FROM c)
  SELECT * FROM c`;

/** Converters; every method takes the tenant first. */
export class ConverterRepository {
  constructor(private readonly db: Db) {}

  async page(tenantId: string, p: PageQuery, type?: ConverterType): Promise<PageData<ConverterRecord>> {
    const like = likePattern(p.textSearch);
    const where = `tenant_id = $1 AND ($2::text IS NULL OR name ILIKE $2) AND ($3::text IS NULL OR type = $3)`;
    const args = [tenantId, like, type ?? null];
    const rows = await this.db.query<Row>(
      `SELECT * FROM converter WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $4 OFFSET $5`,
      [...args, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM converter WHERE ${where}`,
      args,
    );
    return toPage(rows.map(toRecord), Number(c!.n), p);
  }

  async findById(tenantId: string, id: string): Promise<ConverterRecord | null> {
    const [r] = await this.db.query<Row>('SELECT * FROM converter WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return r ? toRecord(r) : null;
  }

  /** Creates the converter and its version 1 (issue 19), in one statement. */
  async insert(tenantId: string, f: ConverterFields, saved: VersionNote): Promise<ConverterRecord> {
    const [r] = await this.db.query<Row>(
      withVersion(
        `INSERT INTO converter (id, created_time, tenant_id, name, type, debug_mode, debug_mode_pinned, debug_mode_since, configuration, additional_info, test_cases)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        12,
      ),
      [newId(), Date.now(), tenantId, ...params(f), ...noteParams(saved)],
    );
    return toRecord(r!);
  }

  /**
   * null when there is no such converter, or (with `version`) when it is at another version. The save is
   * kept as a new version (issue 19) in the same statement.
   */
  async update(
    tenantId: string,
    id: string,
    f: ConverterFields,
    version: number | null | undefined,
    saved: VersionNote,
  ): Promise<ConverterRecord | null> {
    const [r] = await this.db.query<Row>(
      withVersion(
        `UPDATE converter SET name = $3, type = $4, debug_mode = $5, debug_mode_pinned = $6, debug_mode_since = $7,
           configuration = $8, additional_info = $9, test_cases = $10, version = version + 1
         WHERE tenant_id = $1 AND id = $2 AND ${versionGuard(11)} RETURNING *`,
        12,
      ),
      [tenantId, id, ...params(f), version ?? null, ...noteParams(saved)],
    );
    return r ? toRecord(r) : null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (
      (
        await this.db.query('DELETE FROM converter WHERE tenant_id = $1 AND id = $2 RETURNING id', [
          tenantId,
          id,
        ])
      ).length > 0
    );
  }
}
