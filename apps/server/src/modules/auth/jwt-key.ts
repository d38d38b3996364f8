import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/config.js';
import type { TenantRepository } from '../tenants/tenant.repository.js';
import { assertStrongKey } from './jwt.service.js';

export const JWT_KEY = Symbol('JWT_KEY');

/** JWT_SECRET when given (refused if weak), else a random key generated once and kept in the database. */
export async function resolveJwtKey(config: AppConfig, repo: TenantRepository): Promise<string> {
  if (config.JWT_SECRET) {
    assertStrongKey(config.JWT_SECRET);
    return config.JWT_SECRET;
  }
  return repo.setSettingIfAbsent('jwt.signingKey', randomBytes(48).toString('base64url'));
}
