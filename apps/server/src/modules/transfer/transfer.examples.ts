import type { ExportDocument } from '@bridgeboard/contracts';

/** Ready-made documents the demo loads with one call (POST /api/import/example/{name}). */
// A dynamic import with the attribute: tsc copies the file into dist, and swc keeps the attribute.
export const EXAMPLES: Record<string, unknown> = {
  'mqtt-tutorial': (await import('./examples/mqtt-tutorial.json', { with: { type: 'json' } })).default,
};

/**
 * A copy of the example with its integrations pointed at the given broker. Without a port the demo's
 * embedded broker port is used when that broker runs (the example says 1883, its default).
 */
export function withBroker(doc: ExportDocument, broker: { host?: string; port?: number }): ExportDocument {
  const copy = structuredClone(doc);
  for (const i of copy.integrations) {
    const cfg = i.configuration as { clientConfiguration: { host: string; port: number } };
    if (broker.host) cfg.clientConfiguration.host = broker.host;
    if (broker.port) cfg.clientConfiguration.port = broker.port;
  }
  return copy;
}
