import { DEFAULT_CONCURRENCY_LIMIT } from '@osprey/model';

import { DEFAULT_ACTIVE_STALE_MS, DEFAULT_THRESHOLDS } from '../active/equalizer';
import { DEFAULT_MAX_ENDPOINTS } from '../export/endpoint-cap';
import { DEFAULT_RETENTION } from '../retention/policy';
import { DEFAULT_MAX_BODY_BYTES, RETRY_AFTER_SECONDS } from '../server/app';
import { DEFAULT_SETTLE_MS } from '../store/duckdb/store';
import { DEFAULT_MAX_QUEUED_ITEMS } from '../store/overload';
import { DEFAULT_LOAD_INTERVAL_MS, ROW_GROUP_ROWS } from '../store/shared/loader';
import { DEFAULT_SETTLE_MEMORY } from '../store/settle-memory';
import type { RetentionTier } from '../store/store';

/**
 * Every `osprey serve` setting once: its flag, environment variable, config-file key, type, default
 * and help. The flag parser, the environment and file readers and `--help` (serve.ts) all come from
 * this table; what one setting says about another (store vs data dir, thresholds) is checked there.
 */
export interface OptionSpec {
  /** Flag name without `--`; also the key settings are looked up by. Absent: no flag (tokens). */
  flag?: string;
  /** The name settings are known by when there is no flag. */
  name?: string;
  env?: string;
  /** Config-file key; `group.key` for nested ones (`retention.spans`). */
  file?: string;
  type: 'string' | 'integer' | 'boolean' | 'duration';
  /** Placeholder in --help (`<n>`, `<dir>`). */
  arg?: string;
  default?: string;
  /** Integer bounds. */
  min?: number;
  max?: number;
  help: string;
}

const DAY_MS = 86_400_000;
export const DEFAULT_CLICKHOUSE_DATABASE = 'osprey';
export const DEFAULT_INFLUX_DB = 'osprey';
export const DEFAULT_INFLUX_INTERVAL = '10s';

const integer = (flag: string, file: string, fallback: number, min: number, max: number, help: string): OptionSpec => ({
  flag,
  env: `OSPREY_${flag.toUpperCase().replace(/-/g, '_')}`,
  file,
  type: 'integer',
  arg: '<n>',
  default: String(fallback),
  min,
  max,
  help,
});
const retention = (tier: RetentionTier, help: string): OptionSpec => ({
  flag: `retention-${tier}`,
  env: `OSPREY_RETENTION_${tier.toUpperCase()}`,
  file: `retention.${tier}`,
  type: 'duration',
  arg: '<duration>',
  default: `${DEFAULT_RETENTION[tier] / DAY_MS}d`,
  help,
});
const token = (scope: string, help: string): OptionSpec => ({
  name: `token-${scope}`,
  env: `OSPREY_${scope.toUpperCase()}_TOKEN`,
  file: `tokens.${scope}`,
  type: 'string',
  help,
});

export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'config',
    env: 'OSPREY_CONFIG',
    type: 'string',
    arg: '<file>',
    help: 'JSON or YAML config file (.json, .yaml, .yml)',
  },
  integer('port', 'port', 4318, 0, 65535, 'TCP port, 0 picks a free one'),
  {
    flag: 'host',
    env: 'OSPREY_HOST',
    file: 'host',
    type: 'string',
    arg: '<addr>',
    default: '127.0.0.1',
    help: 'address to listen on',
  },
  {
    flag: 'store',
    env: 'OSPREY_STORE',
    file: 'store',
    type: 'string',
    arg: '<duckdb|clickhouse>',
    default: 'duckdb',
    help: 'where data lives',
  },
  {
    flag: 'data-dir',
    env: 'OSPREY_DATA_DIR',
    file: 'dataDir',
    type: 'string',
    arg: '<dir>',
    help: 'where the DuckDB file osprey.duckdb and the ingest log ingest-log/ live (required with --store duckdb; with clickhouse, without it span batches are acknowledged after ClickHouse answered instead of after the log; in a config file, relative to its folder)',
  },
  {
    flag: 'clickhouse-url',
    env: 'OSPREY_CLICKHOUSE_URL',
    file: 'clickhouseUrl',
    type: 'string',
    arg: '<url>',
    help: 'ClickHouse HTTP interface, user:password@ sent as Basic auth (required with --store clickhouse)',
  },
  {
    flag: 'clickhouse-database',
    env: 'OSPREY_CLICKHOUSE_DATABASE',
    file: 'clickhouseDatabase',
    type: 'string',
    arg: '<name>',
    default: DEFAULT_CLICKHOUSE_DATABASE,
    help: 'database, created when missing',
  },
  {
    flag: 'clickhouse-cluster',
    env: 'OSPREY_CLICKHOUSE_CLUSTER',
    file: 'clickhouseCluster',
    type: 'string',
    arg: '<name>',
    help: 'a remote_servers cluster: local tables on the server of --clickhouse-url and Distributed tables over every shard',
  },
  {
    flag: 'insecure',
    env: 'OSPREY_INSECURE',
    file: 'insecure',
    type: 'boolean',
    help: 'serve without authentication (local experiments only; logs a warning)',
  },
  integer(
    'max-body-bytes',
    'maxBodyBytes',
    DEFAULT_MAX_BODY_BYTES,
    1024,
    1024 ** 3,
    'largest request body, compressed or inflated'
  ),
  retention('spans', 'keep spans this long after they start'),
  retention('transactions', 'keep transactions (XLOG rows) this long after they end'),
  retention('rollups', 'keep per-minute RED rollups this long'),
  retention('jvm', 'keep thread dumps, heap histograms and capture requests this long'),
  retention('metrics', 'keep OTLP metric points this long'),
  retention('logs', 'keep OTLP log records this long'),
  integer(
    'max-queued-spans',
    'maxQueuedSpans',
    DEFAULT_MAX_QUEUED_ITEMS,
    1,
    1e8,
    `spans + rows acknowledged and not yet loaded (or waiting for commit) before ingest answers 503 with Retry-After: ${RETRY_AFTER_SECONDS}`
  ),
  integer(
    'load-interval-ms',
    'loadIntervalMs',
    DEFAULT_LOAD_INTERVAL_MS,
    1,
    60_000,
    `an acknowledged batch waits in the ingest log (<data-dir>/ingest-log) at most this long, or until ${ROW_GROUP_ROWS} spans + rows wait, before it is loaded into the store and queries see it`
  ),
  integer(
    'active-slow-ms',
    'activeSlowMs',
    DEFAULT_THRESHOLDS.slow,
    1,
    DAY_MS,
    'equalizer: in-flight requests this old are slow'
  ),
  integer(
    'active-very-slow-ms',
    'activeVerySlowMs',
    DEFAULT_THRESHOLDS.verySlow,
    1,
    DAY_MS,
    'equalizer: ... and this old very slow'
  ),
  integer(
    'active-stale-ms',
    'activeStaleMs',
    DEFAULT_ACTIVE_STALE_MS,
    1,
    DAY_MS,
    'GET /api/v1/active leaves out snapshots received longer ago'
  ),
  integer(
    'settle-ms',
    'settleMs',
    DEFAULT_SETTLE_MS,
    0,
    3_600_000,
    'a trace settles (sql/api counts final, service-map edges counted) once no span of it arrived for this long'
  ),
  integer(
    'settle-memory-spans',
    'settleMemorySpans',
    DEFAULT_SETTLE_MEMORY.maxSpans,
    0,
    1e8,
    'spans of unsettled traces the DuckDB store holds in memory to settle them without reading them back; traces past it settle from the database (0 = none)'
  ),
  integer(
    'metrics-max-endpoints',
    'metricsMaxEndpoints',
    DEFAULT_MAX_ENDPOINTS,
    1,
    1_000_000,
    'distinct endpoint labels per service in /metrics and the InfluxDB export; the rest count as endpoint="__other__"'
  ),
  integer(
    'concurrency-limit',
    'concurrencyLimit',
    DEFAULT_CONCURRENCY_LIMIT,
    1,
    1_000_000,
    "requests an instance holds in flight at most (thread or connection pool): /metrics' osprey_capacity_max_throughput_per_second is this / its mean response time"
  ),
  {
    flag: 'influx-url',
    env: 'OSPREY_INFLUX_URL',
    file: 'influxUrl',
    type: 'string',
    arg: '<url>',
    help: 'switch on the InfluxDB 1.x export: per-minute RED counters (measurement osprey_red) written as line protocol to <url>/write; user:password@ in the URL is sent as Basic auth',
  },
  {
    flag: 'influx-db',
    env: 'OSPREY_INFLUX_DB',
    file: 'influxDb',
    type: 'string',
    arg: '<name>',
    default: DEFAULT_INFLUX_DB,
    help: 'database to write to; it must exist',
  },
  {
    flag: 'influx-interval',
    env: 'OSPREY_INFLUX_INTERVAL',
    file: 'influxInterval',
    type: 'string',
    arg: '<duration>',
    default: DEFAULT_INFLUX_INTERVAL,
    help: 'how often to write, 100ms to 60m; failed writes are retried with backoff',
  },
  token('ingest', 'bearer token allowed to send data (the POST ingest routes)'),
  token('read', 'bearer token allowed to query (GET /api/v1/...)'),
  token('admin', 'bearer token allowed both'),
];

/** The key a setting is known by: its flag, or its name when it has none. */
export const keyOf = (option: OptionSpec): string => option.flag ?? option.name ?? '';

const COLUMN = 34;
const WIDTH = 110;

/**
 * `text` after `first`, wrapped to WIDTH with the following lines indented by `column` (a `first`
 * as wide as the column puts the text on the next line).
 */
function wrap(first: string, text: string, column = COLUMN): string {
  const lines: string[] = [];
  let line = first.length < column ? first.padEnd(column) : first;
  if (line.length > column) {
    lines.push(line);
    line = ' '.repeat(column);
  }
  for (const word of text.split(' ')) {
    if (line.length + word.length > WIDTH && line.length > column) {
      lines.push(line.trimEnd());
      line = ' '.repeat(column);
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

function usageLine(option: OptionSpec): string {
  const where = [
    option.default === undefined ? undefined : `default ${option.default}`,
    option.env === undefined ? undefined : `env ${option.env}`,
  ].filter((part) => part !== undefined);
  const help = where.length > 0 ? `${option.help} (${where.join(', ')})` : option.help;
  return wrap(`  --${option.flag}${option.arg ? ` ${option.arg}` : ''}`, help);
}

const fileKeys = (group?: string): string =>
  OPTIONS.filter((o) => o.file !== undefined && o.file.includes('.') === (group !== undefined))
    .filter((o) => group === undefined || o.file!.startsWith(`${group}.`))
    .map((o) => (group === undefined ? o.file! : o.file!.slice(group.length + 1)))
    .join(', ');

/** `osprey serve --help`, from OPTIONS. */
export const USAGE = `Usage: osprey serve [options]
       osprey slo-rules --config <file> [--out <file>]   Prometheus recording rules of the file's slos
       osprey bundle import <file> [--url <backend>] [--token <admin token>]   load an incident bundle

Runs the Osprey backend: ingest (OTLP/HTTP, Zipkin, native), the query API, Prometheus /metrics
and, when --influx-url is given, an InfluxDB 1.x export.
Every setting comes from, first to last: a flag, an environment variable, the config file, the default.

Options:
${OPTIONS.filter((o) => o.flag !== undefined)
  .map(usageLine)
  .join('\n')}
${wrap('  -h, --help', 'print this text')}

Durations: a number with a unit, ms s m h d w (e.g. 36h, 90d, 10s). Rows past their retention are
deleted by a background job every minute, in chunks.

Environment:
${OPTIONS.filter((o) => o.flag === undefined)
  .map((o) => wrap(`  ${o.env}`, o.help))
  .join('\n')}
  and each option's variable above (OSPREY_PORT, OSPREY_HOST, OSPREY_DATA_DIR, ...).
At least one token is required unless --insecure is given. GET /health needs no token.

Config file keys (all optional, values as for the flags; numbers may be JSON numbers, insecure a boolean):
${wrap('  ', fileKeys(), 2)}
  tokens: { ${fileKeys('tokens')} }
  retention: { ${fileKeys('retention')} }
  checks: [{ name, url (http(s):// or tcp://host:port), kind, method, headers, expectedStatus: [200],
            bodyMatch, intervalMs (30000), timeoutMs (10000) }, ...]   synthetic checks
  slos: [{ name, service, endpoint, objective (availability|latency), target (percent, e.g. 99.9),
          window (3d to 90d, e.g. 30d), thresholdMs (latency: a /metrics bucket edge) }, ...]   SLOs
`;
