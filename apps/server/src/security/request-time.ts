import type { Server } from 'node:http';
import type { AppConfig } from '../config/config.js';

/**
 * Slow clients cannot hold connections: a request's headers must arrive within
 * HTTP_HEADERS_TIMEOUT_SEC and the whole request (a body trickling in one byte at a time too)
 * within HTTP_REQUEST_TIMEOUT_SEC, else Node answers 408 and closes the connection. Node checks
 * these every 30 s by default, which would let a trickle run 30 s past the limit; once a second
 * keeps the cut-off close to the limit. Responses (a two-way RPC waiting for its device) and
 * upgraded socket.io connections are not affected.
 */
export function limitRequestTime(server: Server, config: Pick<AppConfig, 'HTTP_HEADERS_TIMEOUT_SEC' | 'HTTP_REQUEST_TIMEOUT_SEC'>): void {
  const requestMs = config.HTTP_REQUEST_TIMEOUT_SEC * 1000;
  server.requestTimeout = requestMs;
  server.headersTimeout = Math.min(config.HTTP_HEADERS_TIMEOUT_SEC * 1000, requestMs);
  // read when the server starts listening (Node 20 sets up its connection checks then); not in @types/node
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1000;
}
