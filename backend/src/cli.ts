import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { FastifyInstance } from 'fastify';

import { ConfigError, parseServeArgs, USAGE } from './config/serve';
import { InfluxExporter } from './export/influx/exporter';
import { BUNDLE_USAGE, bundleCommand } from './incidents/import-cli';
import { RetentionJob } from './retention/job';
import { directWriter, type IngestWriter, openLoggedIngest } from './ingest/writer';
import { buildServer } from './server/app';
import { sloRulesFile } from './slo/rules-file';
import { ClickHouseStore } from './store/clickhouse/store';
import { DuckDbStore } from './store/duckdb/store';
import type { LogCut } from './store/shared/ingest-log';
import type { Store } from './store/store';

async function serve(args: string[]): Promise<void> {
  const config = parseServeArgs(args, process.env);
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  // The store and the InfluxDB export log through the server's logger, which exists once the server is built.
  let app: FastifyInstance | undefined;
  const storeOptions = {
    settleMs: config.settleMs,
    maxQueuedItems: config.maxQueuedSpans,
    settleMemorySpans: config.settleMemorySpans,
    onSettleError: (err: unknown) => app?.log.error({ err }, 'settling traces failed, retrying on the next tick'),
  };
  const store: Store = config.clickhouse
    ? await ClickHouseStore.open(config.clickhouse, storeOptions)
    : await DuckDbStore.open(config.dataDir, storeOptions);
  // With a data dir the span routes acknowledge after the ingest log's fsync (replayed here first);
  // a ClickHouse backend without one acknowledges after ClickHouse answered, as before.
  const cuts: LogCut[] = [];
  const writer: IngestWriter =
    config.dataDir === ''
      ? directWriter(store)
      : await openLoggedIngest(store, config.dataDir, {
          maxItems: config.maxQueuedSpans,
          loadIntervalMs: config.loadIntervalMs,
          onCut: (cut) => cuts.push(cut),
          onLoadError: (err) => app?.log.error({ err }, 'loading the ingest log into the store failed, retrying'),
        });
  const exporter = config.influx
    ? new InfluxExporter({
        ...config.influx,
        maxEndpoints: config.metricsMaxEndpoints,
        log: {
          info: (fields, message) => app?.log.info(fields, message),
          warn: (fields, message) => app?.log.warn(fields, message),
          error: (fields, message) => app?.log.error(fields, message),
        },
      })
    : undefined;
  const server = buildServer({
    store,
    writer,
    tokens: config.tokens,
    insecure: config.insecure,
    maxBodyBytes: config.maxBodyBytes,
    retention: config.retention,
    metricsMaxEndpoints: config.metricsMaxEndpoints,
    concurrencyLimit: config.concurrencyLimit,
    observer: exporter,
    active: config.active,
    checks: config.checks,
    incidents: { dir: path.join(config.dataDir, 'incidents') },
    slos: config.slos,
    logger: { level: process.env.OSPREY_LOG_LEVEL ?? 'info' },
  });
  app = server;
  cuts.forEach((cut) => server.log.error({ cut }, 'ingest log: damaged tail cut off, not loaded'));
  if (config.insecure) {
    server.log.warn(
      '!!! INSECURE MODE: authentication is DISABLED, anyone who can reach this port can send and read data !!!'
    );
  }
  const retention = new RetentionJob({
    store,
    retention: config.retention,
    onError: (err) => server.log.error({ err }, 'retention run failed'),
    onRun: (run) => server.log.debug(run, 'retention run'),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    server.log.info({ signal }, 'osprey stopping');
    await server.close();
    await writer.close();
    await retention.stop();
    await exporter?.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await server.listen({ port: config.port, host: config.host, listenTextResolver: () => 'http server started' });
  retention.start();
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  if (exporter && config.influx) {
    exporter.start();
    server.log.info(
      {
        url: config.influx.url.replace(/\/\/[^@/]*@/, '//'),
        db: config.influx.db,
        intervalMs: config.influx.intervalMs,
      },
      'influx export on'
    );
  }
  const where = config.clickhouse
    ? { clickhouse: config.clickhouse.url.replace(/\/\/[^@/]*@/, '//'), database: config.clickhouse.database }
    : { dataDir: config.dataDir };
  server.log.info({ url: `http://${urlHost}:${port}`, ...where, store: store.kind }, 'osprey listening');
}

const SLO_RULES_USAGE = `Usage: osprey slo-rules --config <file> [--out <file>]

Writes the Prometheus recording rules of the SLOs the config file declares (its slos: list) to
--out, or to stdout.
`;

/** `osprey slo-rules`: the config file's SLOs as Prometheus recording rules. */
function sloRules(args: string[]): void {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { config: { type: 'string' }, out: { type: 'string' } },
  });
  if (values.config === undefined) {
    throw new ConfigError('slo-rules needs --config <file>');
  }
  let text: string;
  try {
    text = readFileSync(values.config, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${values.config}: ${(err as Error).message}`);
  }
  const rules = sloRulesFile(values.config, text);
  if (values.out === undefined) {
    process.stdout.write(rules);
  } else {
    writeFileSync(values.out, rules);
  }
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  if (command === 'slo-rules') {
    try {
      sloRules(rest);
    } catch (err) {
      process.stderr.write(`osprey: ${(err as Error).message}\n\n${SLO_RULES_USAGE}`);
      process.exitCode = 2;
    }
    return;
  }
  if (command === 'bundle') {
    bundleCommand(rest, process.env).then(
      (output) => process.stdout.write(output),
      (err: unknown) => {
        const usage = err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
        process.stderr.write(`osprey: ${(err as Error).message}\n${usage ? `\n${BUNDLE_USAGE}` : ''}`);
        process.exitCode = usage ? 2 : 1;
      }
    );
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
