import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { parse as parseYaml } from 'yaml';

import type { CheckDefinition, SloDefinition } from '@osprey/model';

import type { TokenConfig } from '../auth/tokens';
import { parseCheckList } from '../checks/config';
import { parseSloList } from '../slo/config';
import { DEFAULT_RETENTION, parseDuration, type Retention } from '../retention/policy';
import { RETENTION_TIERS } from '../store/store';
import type { EqualizerThresholds } from '../active/equalizer';
import {
  DEFAULT_CLICKHOUSE_DATABASE,
  DEFAULT_INFLUX_DB,
  DEFAULT_INFLUX_INTERVAL,
  keyOf,
  OPTIONS,
  type OptionSpec,
} from './options';

export { DEFAULT_CLICKHOUSE_DATABASE, DEFAULT_INFLUX_DB, DEFAULT_INFLUX_INTERVAL, USAGE } from './options';

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
  /** Longest wait of an acknowledged batch in the ingest log before it is loaded into the store (query visibility). */
  loadIntervalMs: number;
  /** Spans of unsettled traces held in memory to settle from (DuckDB store); 0 settles from the database. */
  settleMemorySpans: number;
  active: { thresholds: EqualizerThresholds; staleAfterMs: number };
  tokens: TokenConfig;
  retention: Retention;
  metricsMaxEndpoints: number;
  /** In-flight requests an instance holds at most: /metrics' capacity projection. */
  concurrencyLimit: number;
  /** Present when the InfluxDB export is switched on (--influx-url). */
  influx?: InfluxConfig;
  /** Which Store keeps the data; `clickhouse` is set exactly when `store` is 'clickhouse'. */
  store: StoreKind;
  clickhouse?: ClickHouseConfig;
  /** Synthetic checks from the config file's `checks` list. */
  checks: CheckDefinition[];
  /** Service level objectives from the config file's `slos` list. */
  slos: SloDefinition[];
}

export type StoreKind = 'duckdb' | 'clickhouse';

export interface ClickHouseConfig {
  url: string;
  database: string;
  /** remote_servers cluster name: the store writes and reads through Distributed tables over its shards. */
  cluster?: string;
}

export interface InfluxConfig {
  url: string;
  db: string;
  intervalMs: number;
}

type Env = Record<string, string | undefined>;

const SCOPES = ['ingest', 'read', 'admin'] as const;
const BY_KEY = new Map(OPTIONS.map((option) => [keyOf(option), option]));

function spec(key: string): OptionSpec {
  const option = BY_KEY.get(key);
  if (option === undefined) {
    throw new Error(`no option ${key} in config/options.ts`);
  }
  return option;
}

/** An integer setting within its option's bounds. */
function integerOption(key: string, value: string): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = spec(key);
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A config file's settings as the strings a flag would carry, keyed like the options. */
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

/** JSON types a file value of this option may have: integers may be numbers or strings. */
const FILE_KINDS: Record<OptionSpec['type'], readonly string[]> = {
  integer: ['number', 'string'],
  boolean: ['boolean'],
  string: ['string'],
  duration: ['string'],
};

function scalar(value: unknown, where: string, kinds: readonly string[]): string {
  if (!kinds.includes(typeof value)) {
    throw new ConfigError(`${where} must be a ${kinds.join(' or ')}, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

/** The config file's lists, each checked by its own reader. */
const LISTS: Record<'checks' | 'slos', (value: unknown) => unknown[]> = { checks: parseCheckList, slos: parseSloList };

/**
 * Parses a config file's text (JSON for .json, YAML otherwise) into option-keyed settings; types
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
  const inFile = OPTIONS.filter((option) => option.file !== undefined);
  const groups = [...new Set(inFile.filter((o) => o.file!.includes('.')).map((o) => o.file!.split('.')[0]))];
  // `checks` and `slos` are lists, which no flag or environment variable carries: the file alone has them.
  const known = [...inFile.map((o) => o.file!).filter((key) => !key.includes('.')), ...groups, ...Object.keys(LISTS)];
  rejectUnknownKeys(root, known, where);
  for (const group of groups) {
    if (root[group] !== undefined) {
      const members = inFile.filter((o) => o.file!.startsWith(`${group}.`)).map((o) => o.file!.slice(group.length + 1));
      rejectUnknownKeys(objectOf(root[group], `${where}: ${group}`), members, `${where}: ${group}`);
    }
  }
  const settings: FileSettings = {};
  for (const option of inFile) {
    const [outer, inner] = option.file!.split('.');
    const value = inner === undefined ? root[outer] : (root[outer] as Record<string, unknown> | undefined)?.[inner];
    if (value !== undefined) {
      settings[keyOf(option)] = scalar(value, `${where}: ${option.file}`, FILE_KINDS[option.type]);
    }
  }
  for (const [key, parseList] of Object.entries(LISTS)) {
    if (root[key] !== undefined) {
      try {
        // Carried as JSON like every other setting here is carried as a string; checked once, now.
        settings[key] = JSON.stringify(parseList(root[key]));
      } catch (err) {
        throw new ConfigError(`${where}: ${(err as Error).message}`);
      }
    }
  }
  if (settings['data-dir'] !== undefined) {
    settings['data-dir'] = path.resolve(path.dirname(file), settings['data-dir']);
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

const FLAGS: ParseArgsConfig['options'] = Object.fromEntries([
  ...OPTIONS.filter((o) => o.flag !== undefined).map((o) => [
    o.flag!,
    { type: o.type === 'boolean' ? ('boolean' as const) : ('string' as const) },
  ]),
  ['help', { type: 'boolean', short: 'h' }],
]);

/**
 * `osprey serve` arguments + environment (+ the config file they name) → config. Flags beat
 * environment variables, which beat the file, which beats the option's default. Returns 'help' for
 * --help; throws ConfigError.
 */
export function parseServeArgs(args: string[], env: Env, readFile = readConfigFile): ServeConfig | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: FLAGS }));
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
  /** Where a setting came from, first to last: flag, environment, file; undefined when none. */
  const source = (key: string): { value: string; from: 'flag' | 'env' | 'file' } | undefined => {
    const option = spec(key);
    const fromFlag = option.flag === undefined ? undefined : values[option.flag];
    if (typeof fromFlag === 'string' || fromFlag === true) {
      return { value: String(fromFlag), from: 'flag' };
    }
    const fromEnv = option.env === undefined ? undefined : env[option.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      return { value: fromEnv, from: 'env' };
    }
    return file[key] === undefined ? undefined : { value: file[key], from: 'file' };
  };
  const setting = (key: string): string | undefined => source(key)?.value ?? spec(key).default;
  const integer = (key: string): number => integerOption(key, setting(key)!);

  const port = integer('port');
  const host = setting('host')!;
  if (host === '') {
    throw new ConfigError('--host must not be empty');
  }
  const store = setting('store');
  if (store !== 'duckdb' && store !== 'clickhouse') {
    throw new ConfigError(`--store must be duckdb or clickhouse, got ${JSON.stringify(store)}`);
  }
  const clickhouse = clickhouseConfig(store, (key) => source(key)?.value);
  const dataDir = setting('data-dir') ?? '';
  if (store === 'duckdb' && dataDir === '') {
    throw new ConfigError('--data-dir is required (or set OSPREY_DATA_DIR, or dataDir in the config file)');
  }
  const thresholds = { slow: integer('active-slow-ms'), verySlow: integer('active-very-slow-ms') };
  if (thresholds.verySlow <= thresholds.slow) {
    throw new ConfigError(
      `--active-very-slow-ms (${thresholds.verySlow}) must be greater than --active-slow-ms (${thresholds.slow})`
    );
  }
  const retention = { ...DEFAULT_RETENTION };
  for (const tier of RETENTION_TIERS) {
    const value = source(`retention-${tier}`)?.value;
    if (value !== undefined) {
      retention[tier] = duration(`--retention-${tier}`, value);
    }
  }
  const tokens: TokenConfig = {};
  for (const scope of SCOPES) {
    const token = source(`token-${scope}`);
    if (token !== undefined) {
      if (/\s/.test(token.value)) {
        const where = token.from === 'file' ? `config file tokens.${scope}` : spec(`token-${scope}`).env;
        throw new ConfigError(`${where} must not contain whitespace`);
      }
      tokens[scope] = token.value;
    }
  }
  const insecureSetting = source('insecure')?.value;
  if (insecureSetting !== undefined && insecureSetting !== 'true' && insecureSetting !== 'false') {
    throw new ConfigError(`OSPREY_INSECURE must be true or false, got ${JSON.stringify(insecureSetting)}`);
  }
  const insecure = insecureSetting === 'true';
  if (!insecure && Object.keys(tokens).length === 0) {
    throw new ConfigError(
      'no tokens configured: set OSPREY_INGEST_TOKEN, OSPREY_READ_TOKEN and/or OSPREY_ADMIN_TOKEN (or tokens in the config file), or pass --insecure'
    );
  }
  const influx = influxConfig((key) => source(key)?.value);
  return {
    port,
    host,
    dataDir,
    insecure,
    maxBodyBytes: integer('max-body-bytes'),
    settleMs: integer('settle-ms'),
    maxQueuedSpans: integer('max-queued-spans'),
    loadIntervalMs: integer('load-interval-ms'),
    settleMemorySpans: integer('settle-memory-spans'),
    active: { thresholds, staleAfterMs: integer('active-stale-ms') },
    tokens,
    retention,
    metricsMaxEndpoints: integer('metrics-max-endpoints'),
    concurrencyLimit: integer('concurrency-limit'),
    ...(influx ? { influx } : {}),
    store,
    ...(clickhouse ? { clickhouse } : {}),
    checks: file.checks === undefined ? [] : (JSON.parse(file.checks) as CheckDefinition[]),
    slos: file.slos === undefined ? [] : (JSON.parse(file.slos) as SloDefinition[]),
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function clickhouseConfig(
  store: StoreKind,
  setting: (key: string) => string | undefined
): ClickHouseConfig | undefined {
  const url = setting('clickhouse-url');
  const database = setting('clickhouse-database');
  const cluster = setting('clickhouse-cluster');
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

function influxConfig(setting: (key: string) => string | undefined): InfluxConfig | undefined {
  const url = setting('influx-url');
  const db = setting('influx-db');
  const interval = setting('influx-interval');
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
