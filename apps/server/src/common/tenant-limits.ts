import type { AppConfig } from '../config/config.js';
import type { Queryable } from '../database/db.js';
import { AppError, ErrorCode } from './errors.js';

/** What a tenant may hold, per table, and the config key a system administrator changes it with. */
const KINDS = {
  devices: { table: 'device', key: 'TENANT_MAX_DEVICES' },
  converters: { table: 'converter', key: 'TENANT_MAX_CONVERTERS' },
  integrations: { table: 'integration', key: 'TENANT_MAX_INTEGRATIONS' },
  ruleChains: { table: 'rule_chain', key: 'TENANT_MAX_RULE_CHAINS' },
  dashboards: { table: 'dashboard', key: 'TENANT_MAX_DASHBOARDS' },
} as const;
export type TenantLimitKind = keyof typeof KINDS;

const NAMES: Record<TenantLimitKind, string> = {
  devices: 'devices',
  converters: 'converters',
  integrations: 'integrations',
  ruleChains: 'rule chains',
  dashboards: 'dashboards',
};

/** The sentence a refused creation carries (REST 400, or the uplink's ERROR event for devices). */
export function tenantLimitText(kind: TenantLimitKind, max: number): string {
  return `Your tenant already has ${max} ${NAMES[kind]}, the most this platform allows (${KINDS[kind].key}); delete some or ask the system administrator to raise the limit`;
}

/**
 * Per-tenant entity counts (issue 14: one tenant must not fill the platform). Checked before a create;
 * two creations racing can pass one over the limit, which is harmless: the next one is refused.
 */
export class TenantLimits {
  constructor(
    private readonly db: Queryable,
    private readonly config: Pick<AppConfig, (typeof KINDS)[TenantLimitKind]['key']>,
  ) {}

  /** The limit (0 = none). */
  max(kind: TenantLimitKind): number {
    return this.config[KINDS[kind].key];
  }

  /** How many more the tenant may create (Infinity without a limit). */
  async room(tenantId: string, kind: TenantLimitKind): Promise<number> {
    const max = this.max(kind);
    if (!max) return Infinity;
    const [r] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${KINDS[kind].table} WHERE tenant_id = $1`, [tenantId]);
    return Math.max(0, max - Number(r!.n));
  }

  /** Throws a 400 naming the limit when the tenant may not create one more. */
  async checkCreate(tenantId: string, kind: TenantLimitKind): Promise<void> {
    if ((await this.room(tenantId, kind)) < 1) throw new AppError(400, ErrorCode.INVALID_ARGUMENTS, tenantLimitText(kind, this.max(kind)));
  }
}
