import { randomBytes } from 'node:crypto';
import { addressesOf, isThisMachine } from '../../common/destinations.js';
import type { IntegrationSecrets, StoredIntegration } from './integration.repository.js';

/**
 * Who an integration is on its broker. The session (subscriptions, queued QoS 1 messages) belongs to
 * the client id, so whoever connects with it takes the session over: the id the platform gives an
 * integration without one is random (kept with its secrets), not derived from anything a tenant can
 * see, and no two integrations may use one id on the same broker (issue 14, finding 1).
 */
export const newClientId = (): string => `bb_${randomBytes(12).toString('hex')}`;

/** The client id the integration connects with: its own, else the generated one (else, for rows older than that, the old derived one). */
export function effectiveClientId(s: StoredIntegration): string {
  return s.integration.configuration.clientConfiguration.clientId || s.secrets.generatedClientId || legacyClientId(s.integration.id.id);
}

export const legacyClientId = (integrationId: string): string => `bb_${integrationId.replace(/-/g, '')}`;

/** Keeps the generated client id across saves (made once, on the first save). */
export function withGeneratedClientId(secrets: IntegrationSecrets, stored: IntegrationSecrets | undefined): IntegrationSecrets {
  return { ...secrets, generatedClientId: stored?.generatedClientId ?? newClientId() };
}

/**
 * Whether two host names may reach the same broker, as far as the platform can tell: the same name,
 * a shared address, or both this machine (localhost, 127.0.0.1 and the machine's own address are one broker).
 */
export async function sameBroker(a: string, b: string): Promise<boolean> {
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return true;
  const [x, y] = await Promise.all([addressesOf(a), addressesOf(b)]);
  const ys = new Set(y.map((v) => v.toLowerCase()));
  if (x.some((v) => ys.has(v.toLowerCase()))) return true;
  return x.some(isThisMachine) && y.some(isThisMachine);
}
