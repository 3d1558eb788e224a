import { ConfigError, loadConfig } from './config/hub-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // Loaded only after the configuration is known to be good, so that a configuration mistake is
  // reported as such even if something in the application itself fails to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startHub } = require('./hub-runtime') as typeof import('./hub-runtime');
  const hub = await startHub(config);
  console.log(`\nModel Hub is running at ${hub.url}  (API docs: ${hub.url}/docs)\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down...`);
    hub.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
  console.error(`Model Hub failed to start: ${message}`);
  process.exit(1);
});
