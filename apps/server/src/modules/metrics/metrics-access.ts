import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What the guard looks at: the TCP peer, never an address a header claims. */
export interface ScrapeRequest {
  socket: { remoteAddress?: string };
  headers: IncomingHttpHeaders;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** A proxy on this host makes every remote client's socket look local; these headers say one was in between. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

export const METRICS_REFUSED =
  'GET /metrics answers only requests made on this host (from 127.0.0.1 or ::1, not through a proxy); to scrape from elsewhere set METRICS_TOKEN and send Authorization: Bearer <METRICS_TOKEN>';

/**
 * Why a scrape is refused, or null when it may read the metrics: a direct loopback connection, or
 * the METRICS_TOKEN bearer when one is set. HTTP_TRUST_PROXY plays no part: req.ip follows
 * X-Forwarded-For, which any client can write, so only the socket's own address counts.
 */
export function metricsRefusal(req: ScrapeRequest, token: string | undefined): string | null {
  if (token && bearerMatches(req.headers.authorization, token)) return null;
  const direct = !FORWARDED.some((h) => req.headers[h] !== undefined);
  if (direct && LOOPBACK.has(req.socket.remoteAddress ?? '')) return null;
  return METRICS_REFUSED;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  // hashes have one length, so the comparison takes the same time whatever was sent
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}
