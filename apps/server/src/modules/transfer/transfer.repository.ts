import { UNRESOLVED_ENTITY_ID } from '@bridgeboard/contracts';
import { Db } from '../../database/db.js';

/** The few look-ups an import needs; read-only, every method takes the tenant first. */
export class TransferRepository {
  constructor(private readonly db: Db) {}

  async deviceIdByName(tenantId: string, name: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>(
      'SELECT id FROM device WHERE tenant_id = $1 AND name = $2',
      [tenantId, name],
    );
    return rows[0]?.id ?? null;
  }

  async deviceExists(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM device WHERE tenant_id = $1 AND id = $2::uuid', [
      tenantId,
      id,
    ]);
    return rows.length > 0;
  }

  /** Dashboards with an alias that waits for a device of this name (see UNRESOLVED_ENTITY_ID). */
  async dashboardsWaitingFor(tenantId: string, deviceName: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM dashboard WHERE tenant_id = $1
         AND jsonb_path_exists(configuration, '$.entityAliases.*.filter ? (@.entityName == $name && @.singleEntity.id == $nil)',
                               jsonb_build_object('name', $2::text, 'nil', $3::text))`,
      [tenantId, deviceName, UNRESOLVED_ENTITY_ID],
    );
    return rows.map((r) => r.id);
  }
}
