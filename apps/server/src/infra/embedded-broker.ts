import { Aedes } from 'aedes';
import net from 'node:net';

export interface EmbeddedBroker {
  port: number;
  close(): Promise<void>;
}

/**
 * The demo's MQTT broker (aedes), for users who have none. It speaks MQTT 3.1/3.1.1 only
 * and does not deliver `$share/...` subscriptions (see README).
 * Resolves to null, after one clear log line, when the port is taken.
 */
export async function startEmbeddedBroker(port: number, log: (m: string) => void): Promise<EmbeddedBroker | null> {
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        log(
          `Port ${port} is already in use, so the embedded MQTT broker is not started; using the broker that is already there (set EMBEDDED_BROKER=off to silence this)`,
        );
        resolve(false);
      } else {
        log(`Embedded MQTT broker could not start on port ${port}: ${e.message}`);
        resolve(false);
      }
    });
    server.listen(port, () => resolve(true));
  });
  if (!ok) {
    await new Promise<void>((r) => aedes.close(() => r()));
    return null;
  }
  const actual = (server.address() as net.AddressInfo).port;
  log(`Embedded MQTT broker (aedes) listening on port ${actual}`);
  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => undefined);
        aedes.close(() => resolve());
      }),
  };
}
