import type {
  Dashboard,
  DashboardConfiguration,
  DashboardInfo,
  PageData,
  PageQuery,
} from '@bridgeboard/contracts';
import type { Db } from '../../database/db.js';
import { entityId, newId } from '../../common/ids.js';
import { likePattern, orderBy, sortColumns, toPage } from '../../common/paging.js';

interface DashboardRow {
  id: string;
  created_time: string;
  tenant_id: string;
  title: string;
  configuration?: DashboardConfiguration;
}

const toInfo = (r: DashboardRow): DashboardInfo => ({
  id: entityId('DASHBOARD', r.id),
  createdTime: Number(r.created_time),
  tenantId: entityId('TENANT', r.tenant_id),
  title: r.title,
  name: r.title,
});
const toDashboard = (r: DashboardRow): Dashboard => ({ ...toInfo(r), configuration: r.configuration! });

const SORT = sortColumns({ title: 'title', name: 'title', createdTime: 'created_time' });
const INFO_COLUMNS = 'id, created_time, tenant_id, title';

/** Dashboards, each one JSON document; every method takes the tenant first. */
export class DashboardRepository {
  constructor(private readonly db: Db) {}

  async page(tenantId: string, p: PageQuery): Promise<PageData<DashboardInfo>> {
    const like = likePattern(p.textSearch);
    const where = 'tenant_id = $1 AND ($2::text IS NULL OR title ILIKE $2)';
    const rows = await this.db.query<DashboardRow>(
      `SELECT ${INFO_COLUMNS} FROM dashboard WHERE ${where} ${orderBy(p, SORT, 'created_time')} LIMIT $3 OFFSET $4`,
      [tenantId, like, p.pageSize, p.page * p.pageSize],
    );
    const [c] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM dashboard WHERE ${where}`, [
      tenantId,
      like,
    ]);
    return toPage(rows.map(toInfo), Number(c!.n), p);
  }

  async findById(tenantId: string, id: string): Promise<Dashboard | null> {
    const [r] = await this.db.query<DashboardRow>(
      'SELECT * FROM dashboard WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    );
    return r ? toDashboard(r) : null;
  }

  async insert(
    tenantId: string,
    d: { title: string; configuration: DashboardConfiguration },
  ): Promise<Dashboard> {
    const [r] = await this.db.query<DashboardRow>(
      'INSERT INTO dashboard (id, created_time, tenant_id, title, configuration) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [newId(), Date.now(), tenantId, d.title, JSON.stringify(d.configuration)],
    );
    return toDashboard(r!);
  }

  async update(
    tenantId: string,
    id: string,
    d: { title: string; configuration: DashboardConfiguration },
  ): Promise<Dashboard | null> {
    const [r] = await this.db.query<DashboardRow>(
      'UPDATE dashboard SET title = $3, configuration = $4 WHERE tenant_id = $1 AND id = $2 RETURNING *',
      [tenantId, id, d.title, JSON.stringify(d.configuration)],
    );
    return r ? toDashboard(r) : null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    return (
      (
        await this.db.query('DELETE FROM dashboard WHERE tenant_id = $1 AND id = $2 RETURNING id', [
          tenantId,
          id,
        ])
      ).length > 0
    );
  }
}
