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
  // Loaded after the configuration is known to be valid, so a bad value fails fast and alone.
  const { startPlatform } = await import('./app.js');
  const p = await startPlatform(config);
  process.stdout.write(
    `\nBridgeboard is running at ${p.url}\n` +
      `  log in as ${config.TENANT_EMAIL} / ${config.TENANT_PASSWORD} (tenant admin) or ${config.ADMIN_EMAIL} / ${config.ADMIN_PASSWORD} (system admin)\n` +
      (p.brokerPort ? `  embedded MQTT broker: mqtt://localhost:${p.brokerPort}\n` : '') +
      `  API docs: ${p.url}/swagger-ui\n\n`,
  );
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await p.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`Bridgeboard failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
