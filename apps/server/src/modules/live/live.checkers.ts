import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';
import type { LiveGateway } from './live.gateway.js';

/**
 * Tenant checks for integration, converter and rule-node rooms. Each is one indexed lookup; a
 * table that does not exist (module not installed) refuses the room.
 */
@Injectable()
export class LiveRoomChecks {
  constructor(private readonly db: Db) {}

  register(live: LiveGateway): void {
    live.registerRoomChecker('integration', (t, id) => this.exists('integration', 'id', t, id));
    live.registerRoomChecker('converter', (t, id) => this.exists('converter', 'id', t, id));
    live.registerRoomChecker('rulenode', (t, id) => this.exists('rule_node', 'id', t, id));
  }

  private async exists(table: string, col: string, tenantId: string, id: string): Promise<boolean> {
    try {
      return (await this.db.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1 AND ${col} = $2`, [tenantId, id])).length > 0;
    } catch {
      return false;
    }
  }
}
