import type { ConnectionSettings } from './mqtt-connection.js';

/**
 * Before the broker's CONNACK, a refused port, a silent one, a name that does not resolve and a service
 * that is not MQTT (HTTP, SSH, Redis…) all read the same, and are reported only once the connect timeout
 * has passed: otherwise an integration is a port scanner with a status page (issue 14, finding 6).
 * Certificate problems stay distinct (the user configured TLS and must fix trust).
 */
export function unreachableText(s: Pick<ConnectionSettings, 'host' | 'port' | 'connectTimeoutMs'>): string {
  return `could not reach an MQTT broker at ${s.host}:${s.port} within ${s.connectTimeoutMs / 1000} s (connection refused, no answer, unknown host or not an MQTT broker): check host, port and TLS`;
}

const CERT = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/;

/** A failure before the broker answered CONNECT: the credentials/client id refusals and certificate problems say so, the rest is unreachable. */
export function describeConnectFailure(e: Error & { code?: string | number }, s: Pick<ConnectionSettings, 'host' | 'port' | 'connectTimeoutMs'>): string {
  if (typeof e.code === 'number' || (typeof e.code === 'string' && CERT.test(e.code))) return describeError(e, s);
  if (/certificate/i.test(e.message)) return `TLS failure: ${e.message}`;
  return unreachableText(s);
}

/** Turns client errors into a status text the user can act on. */
export function describeError(e: Error & { code?: string | number }, s: Pick<ConnectionSettings, 'host' | 'port' | 'connectTimeoutMs'>): string {
  const code = e.code;
  if (code === 4 || code === 134) return 'wrong username or password (the broker refused the credentials)';
  if (code === 5 || code === 135) return 'not authorized by the broker (check the credentials or client id)';
  if (code === 2 || code === 133) return 'the broker rejected the client id';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host '${s.host}' not found (check the host name)`;
  if (code === 'ECONNREFUSED') return `connection refused by ${s.host}:${s.port} (is the broker running on that port?)`;
  if (code === 'ETIMEDOUT' || e.message === 'connack timeout') return `no answer from ${s.host}:${s.port} within ${s.connectTimeoutMs / 1000} s`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `connection to ${s.host}:${s.port} was reset`;
  const tls = typeof code === 'string' && /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code);
  if (tls || /ssl|tls|certificate|handshake/i.test(e.message)) return `TLS failure: ${e.message}`;
  return e.message || String(code);
}
