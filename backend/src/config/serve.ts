import { parseArgs } from 'node:util';

import type { TokenConfig } from '../auth/tokens';
import { DEFAULT_MAX_BODY_BYTES } from '../server/app';
import { DEFAULT_SETTLE_MS } from '../store/duckdb';

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
  tokens: TokenConfig;
}

export const USAGE = `Usage: osprey serve [options]

Runs the Osprey backend: OTLP/HTTP ingest (POST /v1/traces) and the query API.

Options:
  --port <n>             TCP port, 0 picks a free one (default 4318, env OSPREY_PORT)
  --host <addr>          address to listen on (default 127.0.0.1, env OSPREY_HOST)
  --data-dir <dir>       where the DuckDB file osprey.duckdb lives (required, env OSPREY_DATA_DIR)
  --insecure             serve without authentication (local experiments only; logs a warning)
  --max-body-bytes <n>   largest request body, compressed or inflated (default ${DEFAULT_MAX_BODY_BYTES})
  --settle-ms <n>        a trace settles (sql/api counts final, service-map edges counted) once no
                         span of it arrived for this long (default ${DEFAULT_SETTLE_MS}, env OSPREY_SETTLE_MS)
  -h, --help             print this text

Environment:
  OSPREY_INGEST_TOKEN    bearer token allowed to send data (POST /v1/traces)
  OSPREY_READ_TOKEN      bearer token allowed to query (GET /api/v1/...)
  OSPREY_ADMIN_TOKEN     bearer token allowed both
  OSPREY_PORT, OSPREY_HOST, OSPREY_DATA_DIR   defaults for the options above
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
        'settle-ms': { type: 'string' },
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
  const settleMs = integerOption(
    'settle-ms',
    (values['settle-ms'] as string | undefined) ?? env.OSPREY_SETTLE_MS ?? String(DEFAULT_SETTLE_MS),
    0,
    3_600_000
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
  return { port, host, dataDir, insecure, maxBodyBytes, settleMs, tokens };
}
