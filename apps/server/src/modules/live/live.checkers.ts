import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';
import type { LiveRoomCheckers, RoomKind } from '../../common/ports.js';
import { DeviceRepository } from '../devices/device.repository.js';

type Check = (tenantId: string, id: string) => Promise<boolean>;

/**
 * The LIVE_ROOM_CHECKERS port: tenant checks for device, integration, converter and rule-node rooms.
 * Each is one indexed lookup; a table that does not exist (module not installed) refuses the room.
 */
@Injectable()
export class LiveRoomChecks implements LiveRoomCheckers {
  private readonly checks: Record<RoomKind, Check>;

  constructor(
    private readonly db: Db,
    devices: DeviceRepository,
  ) {
    this.checks = {
      device: async (t, id) => !!(await devices.findById(t, id)),
      integration: (t, id) => this.exists('integration', 'id', t, id),
      converter: (t, id) => this.exists('converter', 'id', t, id),
      rulenode: (t, id) => this.exists('rule_node', 'id', t, id),
    };
  }

  checker(kind: RoomKind): Check | null {
    return Object.hasOwn(this.checks, kind) ? this.checks[kind] : null;
  }

  private async exists(table: string, col: string, tenantId: string, id: string): Promise<boolean> {
    try {
      return (await this.db.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1 AND ${col} = $2`, [tenantId, id])).length > 0;
    } catch {
      return false;
    }
  }
}
