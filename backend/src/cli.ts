import { ConfigError, parseServeArgs, USAGE } from './config/serve';
import { buildServer } from './server/app';
import { DuckDbStore } from './store/duckdb';

async function serve(args: string[]): Promise<void> {
  const config = parseServeArgs(args, process.env);
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const store = await DuckDbStore.open(config.dataDir, { maxQueuedItems: config.maxQueuedSpans });
  const app = buildServer({
    store,
    tokens: config.tokens,
    insecure: config.insecure,
    maxBodyBytes: config.maxBodyBytes,
    active: config.active,
    logger: { level: process.env.OSPREY_LOG_LEVEL ?? 'info' },
  });
  if (config.insecure) {
    app.log.warn(
      '!!! INSECURE MODE: authentication is DISABLED, anyone who can reach this port can send and read data !!!'
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    app.log.info({ signal }, 'osprey stopping');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host, listenTextResolver: () => 'http server started' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  app.log.info({ url: `http://${urlHost}:${port}`, dataDir: config.dataDir, store: store.kind }, 'osprey listening');
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  if (command !== 'serve') {
    process.stderr.write(`osprey: unknown command "${command}"\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  serve(rest).catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`osprey: ${err.message}\n\nRun "osprey serve --help" for the options.\n`);
      process.exit(2);
    }
    // e.g. the port is taken or the data dir is not writable: the open store must not keep us alive.
    process.stderr.write(`osprey: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

main(process.argv.slice(2));
