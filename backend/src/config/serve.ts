import { parseArgs } from 'node:util';

import { DEFAULT_ACTIVE_STALE_MS, DEFAULT_THRESHOLDS, type EqualizerThresholds } from '../active/equalizer';
import type { TokenConfig } from '../auth/tokens';
import { DEFAULT_MAX_BODY_BYTES, RETRY_AFTER_SECONDS } from '../server/app';
import { DEFAULT_MAX_QUEUED_ITEMS } from '../store/overload';

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
  /** Bound of the writer queue in spans + rows; above it ingest answers 503. */
  maxQueuedSpans: number;
  active: { thresholds: EqualizerThresholds; staleAfterMs: number };
  tokens: TokenConfig;
}

export const USAGE = `Usage: osprey serve [options]

Runs the Osprey backend: ingest (OTLP/HTTP POST /v1/traces, Zipkin v2 POST /api/v2/spans, native
POST /api/v1/transactions and /api/v1/active, JVM uploads) and the query API.

Options:
  --port <n>                 TCP port, 0 picks a free one (default 4318, env OSPREY_PORT)
  --host <addr>              address to listen on (default 127.0.0.1, env OSPREY_HOST)
  --data-dir <dir>           where the DuckDB file osprey.duckdb lives (required, env OSPREY_DATA_DIR)
  --insecure                 serve without authentication (local experiments only; logs a warning)
  --max-body-bytes <n>       largest request body, compressed or inflated; 413 above it
                             (default ${DEFAULT_MAX_BODY_BYTES}, env OSPREY_MAX_BODY_BYTES)
  --max-queued-spans <n>     spans + rows waiting for commit before ingest answers
                             503 with Retry-After: ${RETRY_AFTER_SECONDS} (default ${DEFAULT_MAX_QUEUED_ITEMS}, env OSPREY_MAX_QUEUED_SPANS)
  --active-slow-ms <n>       equalizer: in-flight requests this old are slow (default ${DEFAULT_THRESHOLDS.slow},
                             env OSPREY_ACTIVE_SLOW_MS)
  --active-very-slow-ms <n>  equalizer: ... and this old very slow (default ${DEFAULT_THRESHOLDS.verySlow},
                             env OSPREY_ACTIVE_VERY_SLOW_MS)
  --active-stale-ms <n>      GET /api/v1/active leaves out snapshots received longer ago
                             (default ${DEFAULT_ACTIVE_STALE_MS}, env OSPREY_ACTIVE_STALE_MS)
  -h, --help                 print this text

Environment:
  OSPREY_INGEST_TOKEN    bearer token allowed to send data (the POST ingest routes)
  OSPREY_READ_TOKEN      bearer token allowed to query (GET /api/v1/...)
  OSPREY_ADMIN_TOKEN     bearer token allowed both
  OSPREY_PORT, OSPREY_HOST, OSPREY_DATA_DIR and the variables named above: defaults for the options
At least one token is required unless --insecure is given. GET /health needs no token.
`;

type Env = Record<string, string | undefined>;

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
        'max-queued-spans': { type: 'string' },
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
  const port = integerOption('port', (values.port as string | undefined) ?? env.OSPREY_PORT ?? '4318', 0, 65535);
  const host = (values.host as string | undefined) ?? env.OSPREY_HOST ?? '127.0.0.1';
  if (host === '') {
    throw new ConfigError('--host must not be empty');
  }
  const dataDir = (values['data-dir'] as string | undefined) ?? env.OSPREY_DATA_DIR;
  if (dataDir === undefined || dataDir === '') {
    throw new ConfigError('--data-dir is required (or set OSPREY_DATA_DIR)');
  }
  const option = (name: string, variable: string, fallback: number, min: number, max: number) =>
    integerOption(name, (values[name] as string | undefined) ?? env[variable] ?? String(fallback), min, max);
  const maxBodyBytes = option('max-body-bytes', 'OSPREY_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024, 1024 ** 3);
  const maxQueuedSpans = option('max-queued-spans', 'OSPREY_MAX_QUEUED_SPANS', DEFAULT_MAX_QUEUED_ITEMS, 1, 1e8);
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
  return {
    port,
    host,
    dataDir,
    insecure,
    maxBodyBytes,
    maxQueuedSpans,
    active: { thresholds, staleAfterMs },
    tokens,
  };
}
