import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, freePort } from '../src/infra/embedded-postgres.js';
import { startEmbeddedBroker } from '../src/infra/embedded-broker.js';

/**
 * Medium tests run against real services: DATABASE_URL / MQTT_URL when set (CI uses the
 * machine's Postgres and Mosquitto), otherwise an embedded Postgres and an aedes broker.
 */
export default async function globalSetup(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  if (!process.env.DATABASE_URL) {
    const port = await freePort();
    const pg = await startEmbeddedPostgres({
      dir: path.join(os.tmpdir(), `bb-test-pg-${process.pid}`),
      port,
      database: 'postgres',
      persistent: false,
    });
    g.__bbPg = pg;
    process.env.TEST_ADMIN_DATABASE_URL = pg.url;
    process.env.TEST_EMBEDDED_DB = '1';
  } else {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
  }
  if (!process.env.MQTT_URL) {
    const broker = await startEmbeddedBroker(await freePort(), () => undefined);
    g.__bbBroker = broker;
    process.env.MQTT_URL = `mqtt://127.0.0.1:${broker!.port}`;
    process.env.TEST_EMBEDDED_BROKER = '1';
  }
}
