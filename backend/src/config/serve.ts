import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { parse as parseYaml } from 'yaml';

import type { CheckDefinition } from '@osprey/model';

import type { TokenConfig } from '../auth/tokens';
import { parseCheckList } from '../checks/config';
import { DEFAULT_RETENTION, parseDuration, type Retention } from '../retention/policy';
import { DEFAULT_MAX_ENDPOINTS } from '../export/endpoint-cap';
import { DEFAULT_MAX_BODY_BYTES, RETRY_AFTER_SECONDS } from '../server/app';
import { DEFAULT_SETTLE_MS } from '../store/duckdb';
import { DEFAULT_SETTLE_MEMORY } from '../store/settle-memory';
import { DEFAULT_MAX_QUEUED_ITEMS } from '../store/overload';
import type { RetentionTier } from '../store/store';
import { DEFAULT_ACTIVE_STALE_MS, DEFAULT_THRESHOLDS, type EqualizerThresholds } from '../active/equalizer';

/** A configuration the backend refuses to start with; the CLI prints it and exits non-zero. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

export interface ServeConfig {
  port: number;
  host: string;
  dataDir: string;
  insecure: boolean;
  maxBodyBytes: number;
  /** Quiet time after a trace's last span before its transactions' sql/api figures and map edges are final. */
  settleMs: number;
  /** Bound of the writer queue in spans + rows; above it ingest answers 503. */
  maxQueuedSpans: number;
  /** Spans of unsettled traces held in memory to settle from (DuckDB store); 0 settles from the database. */
  settleMemorySpans: number;
  active: { thresholds: EqualizerThresholds; staleAfterMs: number };
  tokens: TokenConfig;
  retention: Retention;
  metricsMaxEndpoints: number;
  /** Present when the InfluxDB export is switched on (--influx-url). */
  influx?: InfluxConfig;
  /** Which Store keeps the data; `clickhouse` is set exactly when `store` is 'clickhouse'. */
  store: StoreKind;
  clickhouse?: ClickHouseConfig;
  /** Synthetic checks from the config file's `checks` list. */
  checks: CheckDefinition[];
}

export type StoreKind = 'duckdb' | 'clickhouse';

export interface ClickHouseConfig {
  url: string;
  database: string;
  /** remote_servers cluster name: the store writes and reads through Distributed tables over its shards. */
  cluster?: string;
}

export const DEFAULT_CLICKHOUSE_DATABASE = 'osprey';

export interface InfluxConfig {
  url: string;
  db: string;
  intervalMs: number;
}

export const DEFAULT_INFLUX_DB = 'osprey';
export const DEFAULT_INFLUX_INTERVAL = '10s';

export const USAGE = `Usage: osprey serve [options]

Runs the Osprey backend: ingest (OTLP/HTTP, Zipkin, native), the query API, Prometheus /metrics
and, when --influx-url is given, an InfluxDB 1.x export.
Every setting comes from, first to last: a flag, an environment variable, the config file, the default.

Options:
  --config <file>                 JSON or YAML config file (.json, .yaml, .yml) (env OSPREY_CONFIG)
  --port <n>                      TCP port, 0 picks a free one (default 4318, env OSPREY_PORT)
  --host <addr>                   address to listen on (default 127.0.0.1, env OSPREY_HOST)
  --store <duckdb|clickhouse>     where data lives (default duckdb, env OSPREY_STORE)
  --data-dir <dir>                where the DuckDB file osprey.duckdb lives (required with --store duckdb,
                                  env OSPREY_DATA_DIR)
  --clickhouse-url <url>          ClickHouse HTTP interface, user:password@ sent as Basic auth (required with
                                  --store clickhouse, env OSPREY_CLICKHOUSE_URL)
  --clickhouse-database <name>    database, created when missing (default ${DEFAULT_CLICKHOUSE_DATABASE},
                                  env OSPREY_CLICKHOUSE_DATABASE)
  --clickhouse-cluster <name>     a remote_servers cluster: local tables on the server of --clickhouse-url and
                                  Distributed tables over every shard (env OSPREY_CLICKHOUSE_CLUSTER)
  --insecure                      serve without authentication (local experiments only; logs a warning;
                                  env OSPREY_INSECURE=true)
  --max-body-bytes <n>            largest request body, compressed or inflated
                                  (default ${DEFAULT_MAX_BODY_BYTES}, env OSPREY_MAX_BODY_BYTES)
  --retention-spans <duration>    keep spans this long after they start (default 3d, env OSPREY_RETENTION_SPANS)
  --retention-transactions <d>    keep transactions (XLOG rows) this long after they end
                                  (default 7d, env OSPREY_RETENTION_TRANSACTIONS)
  --retention-rollups <duration>  keep per-minute RED rollups this long (default 90d, env OSPREY_RETENTION_ROLLUPS)
  --retention-jvm <duration>      keep thread dumps, heap histograms and capture requests this long
                                  (default 30d, env OSPREY_RETENTION_JVM)
  --max-queued-spans <n>          spans + rows waiting for commit before ingest answers 503 with
                                  Retry-After: ${RETRY_AFTER_SECONDS} (default ${DEFAULT_MAX_QUEUED_ITEMS}, env OSPREY_MAX_QUEUED_SPANS)
  --active-slow-ms <n>            equalizer: in-flight requests this old are slow
                                  (default ${DEFAULT_THRESHOLDS.slow}, env OSPREY_ACTIVE_SLOW_MS)
  --active-very-slow-ms <n>       equalizer: ... and this old very slow
                                  (default ${DEFAULT_THRESHOLDS.verySlow}, env OSPREY_ACTIVE_VERY_SLOW_MS)
  --active-stale-ms <n>           GET /api/v1/active leaves out snapshots received longer ago
                                  (default ${DEFAULT_ACTIVE_STALE_MS}, env OSPREY_ACTIVE_STALE_MS)
  --settle-ms <n>                 a trace settles (sql/api counts final, service-map edges counted) once no
                                  span of it arrived for this long (default ${DEFAULT_SETTLE_MS}, env OSPREY_SETTLE_MS)
  --settle-memory-spans <n>       spans of unsettled traces the DuckDB store holds in memory to settle them
                                  without reading them back; traces past it settle from the database
                                  (default ${DEFAULT_SETTLE_MEMORY.maxSpans}, 0 = none, env OSPREY_SETTLE_MEMORY_SPANS)
  --metrics-max-endpoints <n>     distinct endpoint labels per service in /metrics and the InfluxDB export;
                                  the rest count as endpoint="__other__"
                                  (default ${DEFAULT_MAX_ENDPOINTS}, env OSPREY_METRICS_MAX_ENDPOINTS)
  --influx-url <url>              switch on the InfluxDB 1.x export: per-minute RED counters (measurement
                                  osprey_red) written as line protocol to <url>/write; user:password@ in
                                  the URL is sent as Basic auth (env OSPREY_INFLUX_URL)
  --influx-db <name>              database to write to; it must exist
                                  (default ${DEFAULT_INFLUX_DB}, env OSPREY_INFLUX_DB)
  --influx-interval <duration>    how often to write, 100ms to 60m (default ${DEFAULT_INFLUX_INTERVAL},
                                  env OSPREY_INFLUX_INTERVAL); failed writes are retried with backoff
  -h, --help                      print this text

Durations: a number with a unit, ms s m h d w (e.g. 36h, 90d, 10s). Rows past their retention are
deleted by a background job every minute, in chunks.

Environment:
  OSPREY_INGEST_TOKEN    bearer token allowed to send data (the POST ingest routes)
  OSPREY_READ_TOKEN      bearer token allowed to query (GET /api/v1/...)
  OSPREY_ADMIN_TOKEN     bearer token allowed both
  OSPREY_PORT, OSPREY_HOST, OSPREY_DATA_DIR, ...   the options above
At least one token is required unless --insecure is given. GET /health needs no token.

Config file keys (all optional; relative dataDir is resolved against the file's folder):
  port: 4318
  host: 127.0.0.1
  dataDir: ./data
  store: duckdb
  clickhouseUrl, clickhouseDatabase, clickhouseCluster: strings as for the flags
  insecure: false
  maxBodyBytes: 16777216
  maxQueuedSpans, settleMs, settleMemorySpans, activeSlowMs, activeVerySlowMs, activeStaleMs, metricsMaxEndpoints: numbers
  influxUrl, influxDb, influxInterval: strings as for the flags
  tokens: { ingest: "...", read: "...", admin: "..." }
  retention: { spans: 3d, transactions: 7d, rollups: 90d, jvm: 30d }
  checks: [{ name, url (http(s):// or tcp://host:port), kind, method, headers, expectedStatus: [200],
            bodyMatch, intervalMs (30000), timeoutMs (10000) }, ...]   synthetic checks
`;

type Env = Record<string, string | undefined>;

function integerOption(name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

type ScalarKind = 'string' | 'number' | 'boolean';

/** Config-file keys that carry one value, with the flag they stand for and the JSON types allowed. */
const FILE_SCALARS: Record<string, [flag: string, kinds: readonly ScalarKind[]]> = {
  port: ['port', ['number', 'string']],
  host: ['host', ['string']],
  dataDir: ['data-dir', ['string']],
  store: ['store', ['string']],
  clickhouseUrl: ['clickhouse-url', ['string']],
  clickhouseDatabase: ['clickhouse-database', ['string']],
  clickhouseCluster: ['clickhouse-cluster', ['string']],
  insecure: ['insecure', ['boolean']],
  maxBodyBytes: ['max-body-bytes', ['number', 'string']],
  settleMs: ['settle-ms', ['number', 'string']],
  settleMemorySpans: ['settle-memory-spans', ['number', 'string']],
  metricsMaxEndpoints: ['metrics-max-endpoints', ['number', 'string']],
  influxUrl: ['influx-url', ['string']],
  influxDb: ['influx-db', ['string']],
  influxInterval: ['influx-interval', ['string']],
  maxQueuedSpans: ['max-queued-spans', ['number', 'string']],
  activeSlowMs: ['active-slow-ms', ['number', 'string']],
  activeVerySlowMs: ['active-very-slow-ms', ['number', 'string']],
  activeStaleMs: ['active-stale-ms', ['number', 'string']],
};
const FILE_KEYS = [...Object.keys(FILE_SCALARS), 'tokens', 'retention', 'checks'];
const SCOPES = ['ingest', 'read', 'admin'] as const;
const TIERS: readonly RetentionTier[] = ['spans', 'transactions', 'rollups', 'jvm'];

/** A config file's settings as the strings a flag would carry, keyed like the flags. */
type FileSettings = Partial<Record<string, string>>;

function objectOf(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(object: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${where}: unknown key "${key}" (known: ${known.join(', ')})`);
    }
  }
}

function scalar(value: unknown, where: string, kinds: readonly ScalarKind[]): string {
  if (!(kinds as readonly string[]).includes(typeof value)) {
    throw new ConfigError(`${where} must be a ${kinds.join(' or ')}, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

/**
 * Parses a config file's text (JSON for .json, YAML otherwise) into flag-shaped settings; types
 * and keys are checked here, values by the same rules as flags. Throws ConfigError naming the key.
 */
export function parseConfigFile(file: string, text: string): FileSettings {
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) {
    return {};
  }
  const where = `config file ${file}`;
  const root = objectOf(parsed, where);
  rejectUnknownKeys(root, FILE_KEYS, where);
  const settings: FileSettings = {};
  for (const [key, [flag, kinds]] of Object.entries(FILE_SCALARS)) {
    if (root[key] !== undefined) {
      settings[flag] = scalar(root[key], `${where}: ${key}`, kinds);
    }
  }
  if (settings['data-dir'] !== undefined) {
    settings['data-dir'] = path.resolve(path.dirname(file), settings['data-dir']);
  }
  if (root.tokens !== undefined) {
    const tokens = objectOf(root.tokens, `${where}: tokens`);
    rejectUnknownKeys(tokens, SCOPES, `${where}: tokens`);
    for (const scope of SCOPES) {
      if (tokens[scope] !== undefined) {
        settings[`token-${scope}`] = scalar(tokens[scope], `${where}: tokens.${scope}`, ['string']);
      }
    }
  }
  if (root.retention !== undefined) {
    const retention = objectOf(root.retention, `${where}: retention`);
    rejectUnknownKeys(retention, TIERS, `${where}: retention`);
    for (const tier of TIERS) {
      if (retention[tier] !== undefined) {
        settings[`retention-${tier}`] = scalar(retention[tier], `${where}: retention.${tier}`, ['string']);
      }
    }
  }
  if (root.checks !== undefined) {
    try {
      // Carried as JSON like every other setting here is carried as a string; checked once, now.
      settings.checks = JSON.stringify(parseCheckList(root.checks));
    } catch (err) {
      throw new ConfigError(`${where}: ${(err as Error).message}`);
    }
  }
  return settings;
}

function duration(name: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new ConfigError(`${name} must be a duration such as 36h or 90d, got ${JSON.stringify(value)}`);
  }
  return ms;
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
}

/**
 * `osprey serve` arguments + environment (+ the config file they name) → config. Flags beat
 * environment variables, which beat the file. Returns 'help' for --help; throws ConfigError.
 */
export function parseServeArgs(args: string[], env: Env, readFile = readConfigFile): ServeConfig | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        store: { type: 'string' },
        'clickhouse-url': { type: 'string' },
        'clickhouse-database': { type: 'string' },
        'clickhouse-cluster': { type: 'string' },
        insecure: { type: 'boolean' },
        'max-body-bytes': { type: 'string' },
        'settle-ms': { type: 'string' },
        'retention-spans': { type: 'string' },
        'retention-transactions': { type: 'string' },
        'retention-rollups': { type: 'string' },
        'retention-jvm': { type: 'string' },
        'metrics-max-endpoints': { type: 'string' },
        'influx-url': { type: 'string' },
        'influx-db': { type: 'string' },
        'influx-interval': { type: 'string' },
        'max-queued-spans': { type: 'string' },
        'settle-memory-spans': { type: 'string' },
        'active-slow-ms': { type: 'string' },
        'active-very-slow-ms': { type: 'string' },
        'active-stale-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) {
    return 'help';
  }
  const configPath = (values.config as string | undefined) ?? env.OSPREY_CONFIG;
  if (configPath === '') {
    throw new ConfigError('--config must not be empty');
  }
  const file = configPath === undefined ? {} : parseConfigFile(configPath, readFile(configPath));
  const setting = (flag: string, variable: string): string | undefined => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') {
      return fromFlag;
    }
    const fromEnv = env[variable];
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : file[flag];
  };

  const port = integerOption('port', setting('port', 'OSPREY_PORT') ?? '4318', 0, 65535);
  const host = setting('host', 'OSPREY_HOST') ?? '127.0.0.1';
  if (host === '') {
    throw new ConfigError('--host must not be empty');
  }
  const store = setting('store', 'OSPREY_STORE') ?? 'duckdb';
  if (store !== 'duckdb' && store !== 'clickhouse') {
    throw new ConfigError(`--store must be duckdb or clickhouse, got ${JSON.stringify(store)}`);
  }
  const clickhouse = clickhouseConfig(store, setting);
  const dataDir = setting('data-dir', 'OSPREY_DATA_DIR') ?? '';
  if (store === 'duckdb' && dataDir === '') {
    throw new ConfigError('--data-dir is required (or set OSPREY_DATA_DIR, or dataDir in the config file)');
  }
  const maxBodyBytes = integerOption(
    'max-body-bytes',
    setting('max-body-bytes', 'OSPREY_MAX_BODY_BYTES') ?? String(DEFAULT_MAX_BODY_BYTES),
    1024,
    1024 * 1024 * 1024
  );
  const settleMs = integerOption(
    'settle-ms',
    setting('settle-ms', 'OSPREY_SETTLE_MS') ?? String(DEFAULT_SETTLE_MS),
    0,
    3_600_000
  );
  const option = (name: string, variable: string, fallback: number, min: number, max: number) =>
    integerOption(name, setting(name, variable) ?? String(fallback), min, max);
  const maxQueuedSpans = option('max-queued-spans', 'OSPREY_MAX_QUEUED_SPANS', DEFAULT_MAX_QUEUED_ITEMS, 1, 1e8);
  const settleMemorySpans = option(
    'settle-memory-spans',
    'OSPREY_SETTLE_MEMORY_SPANS',
    DEFAULT_SETTLE_MEMORY.maxSpans,
    0,
    1e8
  );
  const day = 86_400_000;
  const thresholds = {
    slow: option('active-slow-ms', 'OSPREY_ACTIVE_SLOW_MS', DEFAULT_THRESHOLDS.slow, 1, day),
    verySlow: option('active-very-slow-ms', 'OSPREY_ACTIVE_VERY_SLOW_MS', DEFAULT_THRESHOLDS.verySlow, 1, day),
  };
  if (thresholds.verySlow <= thresholds.slow) {
    throw new ConfigError(
      `--active-very-slow-ms (${thresholds.verySlow}) must be greater than --active-slow-ms (${thresholds.slow})`
    );
  }
  const staleAfterMs = option('active-stale-ms', 'OSPREY_ACTIVE_STALE_MS', DEFAULT_ACTIVE_STALE_MS, 1, day);
  const retention = { ...DEFAULT_RETENTION };
  for (const tier of TIERS) {
    const value = setting(`retention-${tier}`, `OSPREY_RETENTION_${tier.toUpperCase()}`);
    if (value !== undefined) {
      retention[tier] = duration(`--retention-${tier}`, value);
    }
  }
  const tokens: TokenConfig = {};
  for (const scope of SCOPES) {
    const variable = `OSPREY_${scope.toUpperCase()}_TOKEN`;
    const fromEnv = env[variable];
    const fromFile = fromEnv === undefined || fromEnv === '';
    const token = fromFile ? file[`token-${scope}`] : fromEnv;
    if (token !== undefined && token !== '') {
      if (/\s/.test(token)) {
        throw new ConfigError(`${fromFile ? `config file tokens.${scope}` : variable} must not contain whitespace`);
      }
      tokens[scope] = token;
    }
  }
  const insecureSetting = values.insecure === true ? 'true' : (env.OSPREY_INSECURE ?? file.insecure);
  if (insecureSetting !== undefined && insecureSetting !== 'true' && insecureSetting !== 'false') {
    throw new ConfigError(`OSPREY_INSECURE must be true or false, got ${JSON.stringify(insecureSetting)}`);
  }
  const insecure = insecureSetting === 'true';
  if (!insecure && Object.keys(tokens).length === 0) {
    throw new ConfigError(
      'no tokens configured: set OSPREY_INGEST_TOKEN, OSPREY_READ_TOKEN and/or OSPREY_ADMIN_TOKEN (or tokens in the config file), or pass --insecure'
    );
  }
  const metricsMaxEndpoints = integerOption(
    'metrics-max-endpoints',
    setting('metrics-max-endpoints', 'OSPREY_METRICS_MAX_ENDPOINTS') ?? String(DEFAULT_MAX_ENDPOINTS),
    1,
    1_000_000
  );
  const influx = influxConfig(setting);
  return {
    port,
    host,
    dataDir,
    insecure,
    maxBodyBytes,
    settleMs,
    maxQueuedSpans,
    settleMemorySpans,
    active: { thresholds, staleAfterMs },
    tokens,
    retention,
    metricsMaxEndpoints,
    ...(influx ? { influx } : {}),
    store,
    ...(clickhouse ? { clickhouse } : {}),
    checks: file.checks === undefined ? [] : (JSON.parse(file.checks) as CheckDefinition[]),
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function clickhouseConfig(
  store: StoreKind,
  setting: (flag: string, variable: string) => string | undefined
): ClickHouseConfig | undefined {
  const url = setting('clickhouse-url', 'OSPREY_CLICKHOUSE_URL');
  const database = setting('clickhouse-database', 'OSPREY_CLICKHOUSE_DATABASE');
  const cluster = setting('clickhouse-cluster', 'OSPREY_CLICKHOUSE_CLUSTER');
  if (store !== 'clickhouse') {
    if (url !== undefined || database !== undefined || cluster !== undefined) {
      throw new ConfigError('--clickhouse-url, --clickhouse-database and --clickhouse-cluster need --store clickhouse');
    }
    return undefined;
  }
  if (url === undefined || url === '') {
    throw new ConfigError('--store clickhouse needs --clickhouse-url (or OSPREY_CLICKHOUSE_URL)');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--clickhouse-url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search !== '' || parsed.hash !== '') {
    throw new ConfigError(
      `--clickhouse-url must be an http(s) URL without query or fragment, got ${JSON.stringify(url)}`
    );
  }
  // Both names end up in DDL (the database also in the URL): plain identifiers only.
  for (const [flag, value] of [
    ['clickhouse-database', database],
    ['clickhouse-cluster', cluster],
  ] as const) {
    if (value !== undefined && !IDENTIFIER.test(value)) {
      throw new ConfigError(
        `--${flag} must be letters, digits and _ (not starting with a digit), got ${JSON.stringify(value)}`
      );
    }
  }
  return {
    url,
    database: database ?? DEFAULT_CLICKHOUSE_DATABASE,
    ...(cluster === undefined ? {} : { cluster }),
  };
}

function influxConfig(setting: (flag: string, variable: string) => string | undefined): InfluxConfig | undefined {
  const url = setting('influx-url', 'OSPREY_INFLUX_URL');
  const db = setting('influx-db', 'OSPREY_INFLUX_DB');
  const interval = setting('influx-interval', 'OSPREY_INFLUX_INTERVAL');
  if (url === undefined) {
    if (db !== undefined || interval !== undefined) {
      throw new ConfigError('--influx-db and --influx-interval need --influx-url (or OSPREY_INFLUX_URL)');
    }
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--influx-url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`--influx-url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new ConfigError('--influx-url must not carry a query or fragment: give the database with --influx-db');
  }
  const intervalMs = parseDuration(interval ?? DEFAULT_INFLUX_INTERVAL);
  if (intervalMs === undefined || intervalMs < 100 || intervalMs > 3_600_000) {
    throw new ConfigError(
      `--influx-interval must be a duration from 100ms to 60m such as 10s or 1m, got ${JSON.stringify(interval)}`
    );
  }
  return { url, db: db ?? DEFAULT_INFLUX_DB, intervalMs };
}
