import { parseArgs } from 'node:util';

import type { TokenConfig } from '../auth/tokens';
import { DEFAULT_MAX_ENDPOINTS } from '../export/endpoint-cap';
import { DEFAULT_MAX_BODY_BYTES } from '../server/app';

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
  tokens: TokenConfig;
  metricsMaxEndpoints: number;
  /** Present when the InfluxDB export is switched on (--influx-url). */
  influx?: InfluxConfig;
}

export interface InfluxConfig {
  url: string;
  db: string;
  intervalMs: number;
}

export const DEFAULT_INFLUX_DB = 'osprey';
export const DEFAULT_INFLUX_INTERVAL = '10s';

export const USAGE = `Usage: osprey serve [options]

Runs the Osprey backend: OTLP/HTTP ingest (POST /v1/traces), the query API, Prometheus /metrics
and, when --influx-url is given, an InfluxDB 1.x export.

Options:
  --port <n>             TCP port, 0 picks a free one (default 4318, env OSPREY_PORT)
  --host <addr>          address to listen on (default 127.0.0.1, env OSPREY_HOST)
  --data-dir <dir>       where the DuckDB file osprey.duckdb lives (required, env OSPREY_DATA_DIR)
  --insecure             serve without authentication (local experiments only; logs a warning)
  --max-body-bytes <n>   largest request body, compressed or inflated (default ${DEFAULT_MAX_BODY_BYTES})
  --metrics-max-endpoints <n>
                         distinct endpoint labels per service in /metrics and the InfluxDB export;
                         the rest count as endpoint="__other__" (default ${DEFAULT_MAX_ENDPOINTS})
  --influx-url <url>     switch on the InfluxDB 1.x export: per-minute RED counters (measurement
                         osprey_red) written as line protocol to <url>/write; user:password@ in the
                         URL is sent as Basic auth (env OSPREY_INFLUX_URL)
  --influx-db <name>     database to write to; it must exist (default ${DEFAULT_INFLUX_DB}, env OSPREY_INFLUX_DB)
  --influx-interval <d>  how often to write, e.g. 10s, 1m, 500ms (default ${DEFAULT_INFLUX_INTERVAL},
                         env OSPREY_INFLUX_INTERVAL); failed writes are retried with backoff
  -h, --help             print this text

Environment:
  OSPREY_INGEST_TOKEN    bearer token allowed to send data (POST /v1/traces)
  OSPREY_READ_TOKEN      bearer token allowed to query (GET /api/v1/...)
  OSPREY_ADMIN_TOKEN     bearer token allowed both
  OSPREY_PORT, OSPREY_HOST, OSPREY_DATA_DIR, OSPREY_METRICS_MAX_ENDPOINTS,
  OSPREY_INFLUX_URL, OSPREY_INFLUX_DB, OSPREY_INFLUX_INTERVAL   defaults for the options above
At least one token is required unless --insecure is given. GET /health needs no token.
`;

type Env = Record<string, string | undefined>;

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** `500ms`, `10s`, `1m` (a bare number is seconds) → milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) {
    return undefined;
  }
  const ms = Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 's'];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `osprey serve` arguments + environment → config. Returns 'help' for --help; throws ConfigError. */
export function parseServeArgs(args: string[], env: Env): ServeConfig | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        insecure: { type: 'boolean' },
        'max-body-bytes': { type: 'string' },
        'metrics-max-endpoints': { type: 'string' },
        'influx-url': { type: 'string' },
        'influx-db': { type: 'string' },
        'influx-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  if (values.help) {
    return 'help';
  }
  const port = integerOption('port', (values.port as string | undefined) ?? env.OSPREY_PORT ?? '4318', 0, 65535);
  const host = (values.host as string | undefined) ?? env.OSPREY_HOST ?? '127.0.0.1';
  if (host === '') {
    throw new ConfigError('--host must not be empty');
  }
  const dataDir = (values['data-dir'] as string | undefined) ?? env.OSPREY_DATA_DIR;
  if (dataDir === undefined || dataDir === '') {
    throw new ConfigError('--data-dir is required (or set OSPREY_DATA_DIR)');
  }
  const maxBodyBytes = integerOption(
    'max-body-bytes',
    (values['max-body-bytes'] as string | undefined) ?? String(DEFAULT_MAX_BODY_BYTES),
    1024,
    1024 * 1024 * 1024
  );
  const tokens: TokenConfig = {};
  for (const [scope, variable] of [
    ['ingest', 'OSPREY_INGEST_TOKEN'],
    ['read', 'OSPREY_READ_TOKEN'],
    ['admin', 'OSPREY_ADMIN_TOKEN'],
  ] as const) {
    const token = env[variable];
    if (token !== undefined && token !== '') {
      if (/\s/.test(token)) {
        throw new ConfigError(`${variable} must not contain whitespace`);
      }
      tokens[scope] = token;
    }
  }
  const insecure = values.insecure === true;
  if (!insecure && Object.keys(tokens).length === 0) {
    throw new ConfigError(
      'no tokens configured: set OSPREY_INGEST_TOKEN, OSPREY_READ_TOKEN and/or OSPREY_ADMIN_TOKEN, or pass --insecure'
    );
  }
  const metricsMaxEndpoints = integerOption(
    'metrics-max-endpoints',
    (values['metrics-max-endpoints'] as string | undefined) ??
      env.OSPREY_METRICS_MAX_ENDPOINTS ??
      String(DEFAULT_MAX_ENDPOINTS),
    1,
    1_000_000
  );
  const influx = influxConfig(values, env);
  return { port, host, dataDir, insecure, maxBodyBytes, tokens, metricsMaxEndpoints, ...(influx ? { influx } : {}) };
}

function influxConfig(values: Record<string, string | boolean | undefined>, env: Env): InfluxConfig | undefined {
  const option = (name: string, variable: string) => {
    const value = (values[name] as string | undefined) ?? env[variable];
    return value === '' ? undefined : value;
  };
  const url = option('influx-url', 'OSPREY_INFLUX_URL');
  const db = option('influx-db', 'OSPREY_INFLUX_DB');
  const interval = option('influx-interval', 'OSPREY_INFLUX_INTERVAL');
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
  const intervalMs = parseDurationMs(interval ?? DEFAULT_INFLUX_INTERVAL);
  if (intervalMs === undefined || intervalMs < 100 || intervalMs > 3_600_000) {
    throw new ConfigError(
      `--influx-interval must be a duration from 100ms to 60m such as 10s or 1m, got ${JSON.stringify(interval)}`
    );
  }
  return { url, db: db ?? DEFAULT_INFLUX_DB, intervalMs };
}
