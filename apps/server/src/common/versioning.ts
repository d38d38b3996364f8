import type { Queryable } from '../database/db.js';
import { AppError, ErrorCode } from './errors.js';

/**
 * Optimistic locking as ThingsBoard does it: every save of a converter, integration, device, rule chain or
 * dashboard raises its `version`; a save that names an older version than the stored one is refused (409),
 * a save without `version` overwrites. Repositories add `versionGuard` to their UPDATE; when it matches no row
 * the service asks `checkVersion` whether the entity is gone (404) or was changed meanwhile (409).
 */
export const versionGuard = (param: number): string => `($${param}::bigint IS NULL OR version = $${param})`;

export class StaleVersionError extends AppError {
  constructor(what: string, name: string, given: number, current: number) {
    super(
      409,
      ErrorCode.CONFLICT,
      `${what} '${name}' was changed by someone else (you have version ${given}, it is now at version ${current}): reload it, or save again without "version" to overwrite`,
      { staleVersion: true, currentVersion: current },
    );
  }
}

/** After an UPDATE guarded by `versionGuard` touched nothing: a 409 when the row exists with another version, else null. */
export async function staleVersion(
  db: Queryable,
  table: 'converter' | 'integration' | 'device' | 'rule_chain' | 'dashboard',
  tenantId: string,
  id: string,
  given: number | null | undefined,
  what: string,
): Promise<StaleVersionError | null> {
  if (given == null) return null;
  const col = table === 'dashboard' ? 'title' : 'name';
  const [r] = await db.query<{ version: string; name: string }>(
    `SELECT version, ${col} AS name FROM ${table} WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return r ? new StaleVersionError(what, r.name, given, Number(r.version)) : null;
}
