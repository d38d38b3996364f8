import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // Signals are ours from the start: a Ctrl-C while starting stops what has started, in order.
  let stopping: NodeJS.Signals | null = null;
  let stop: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return; // pnpm and the terminal may deliver the same Ctrl-C twice
    stopping = signal;
    stop?.();
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  // Loaded after the configuration is known to be valid, so a bad value fails fast and alone.
  const { startPlatform } = await import('./app.js');
  const p = await startPlatform(config);
  stop = () => {
    process.stdout.write(`\nStopping Bridgeboard (${stopping})…\n`);
    const force = setTimeout(() => {
      process.stderr.write('Bridgeboard did not stop within 30 s; exiting anyway.\n');
      process.exit(1);
    }, 30_000);
    force.unref();
    // integrations, pending writes and debug events first, then the database and the broker
    p.close().then(
      () => {
        process.stdout.write('Bridgeboard stopped.\n');
        process.exit(0);
      },
      (e: unknown) => {
        process.stderr.write(`Bridgeboard could not stop cleanly: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  if (stopping) return stop();
  // last, after every start-up log line, so it is what the terminal shows
  process.stdout.write(
    `\nBridgeboard is running at ${p.url}\n` +
      `  log in as ${config.TENANT_EMAIL} / ${config.TENANT_PASSWORD} (tenant admin) or ${config.ADMIN_EMAIL} / ${config.ADMIN_PASSWORD} (system admin)\n` +
      (p.brokerPort ? `  embedded MQTT broker: mqtt://localhost:${p.brokerPort}\n` : '') +
      `  API docs: ${p.url}/swagger-ui\n` +
      `  stop with Ctrl-C\n\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`Bridgeboard failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
