import { randomBytes } from 'node:crypto';

export interface StartConfig {
  port: number;
  /** The dashboard preview's port (0 = any free port). */
  previewPort: number;
  dataDir: string;
  rate: number;
  /** Seconds after which everything stops by itself; undefined = run until Ctrl-C. */
  duration?: number;
  tokens: { read: string; ingest: string; admin: string };
}

const FLAGS = ['--port', '--preview-port', '--data-dir', '--rate', '--duration'] as const;

function positive(name: string, text: string | undefined, allowZero = false): number {
  const n = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${text ?? 'nothing'}`);
  }
  return n;
}

function portNumber(name: string, text: string): number {
  const port = positive(name, text, true);
  if (!Number.isInteger(port) || port > 65535) {
    throw new Error(`${name} must be an integer 0..65535, got ${port}`);
  }
  return port;
}

/** Flags beat environment variables beat defaults; tokens not given are random. */
export function parseStartArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  newToken: () => string = () => randomBytes(18).toString('base64url')
): StartConfig {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!FLAGS.some((f) => f === flag)) {
      throw new Error(`unknown argument ${argv[i]}; known: ${FLAGS.join(' ')}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      throw new Error(`${flag} needs a value`);
    }
    flags.set(flag, value);
  }
  const duration = flags.has('--duration') ? positive('--duration', flags.get('--duration')) : undefined;
  const port = portNumber('port', flags.get('--port') ?? env.OSPREY_PORT ?? '4318');
  // Beside Grafana's usual 3000, so both can run.
  const previewPort = portNumber('preview port', flags.get('--preview-port') ?? env.OSPREY_PREVIEW_PORT ?? '3001');
  return {
    port,
    previewPort,
    dataDir: flags.get('--data-dir') ?? env.OSPREY_DATA_DIR ?? '.osprey-data',
    rate: positive('rate', flags.get('--rate') ?? env.DEMO_RATE ?? '20'),
    ...(duration === undefined ? {} : { duration }),
    tokens: {
      read: env.OSPREY_READ_TOKEN || newToken(),
      ingest: env.OSPREY_INGEST_TOKEN || newToken(),
      admin: env.OSPREY_ADMIN_TOKEN || newToken(),
    },
  };
}

/** The backend's URL from its "osprey listening" JSON log line, or undefined for any other line. */
export function parseListeningLine(line: string): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) {
    return undefined;
  }
  const { msg, url } = record as { msg?: unknown; url?: unknown };
  return msg === 'osprey listening' && typeof url === 'string' ? url : undefined;
}

/** pino's numeric level of a JSON log line (30 info, 40 warn, 50 error), or undefined. */
export function logLevel(line: string): number | undefined {
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' ? level : undefined;
  } catch {
    return undefined;
  }
}

export function banner(info: {
  url: string;
  shopUrl: string;
  /** The preview's URL, or why it is not served. */
  preview: { url: string } | { missing: string };
  tokens: StartConfig['tokens'];
  logFile: string;
  rate: number;
  duration?: number;
}): string {
  const from = '$(( $(date +%s) * 1000 - 60000 ))';
  const to = '$(( $(date +%s) * 1000 ))';
  return [
    '',
    '  Osprey is running, fed by the demo shop (4 services instrumented with the OpenTelemetry JS SDK).',
    '',
    `  backend      ${info.url}        (OTLP/HTTP ${info.url}/v1/traces; logs in ${info.logFile})`,
    `  shop         ${info.shopUrl}    (load: ${info.rate} requests/s)`,
    'url' in info.preview
      ? `  preview      ${info.preview.url}/    (the bundled dashboards with the built plugins, live; not Grafana)`
      : `  preview      not served: ${info.preview.missing}`,
    `  read token   ${info.tokens.read}`,
    `  ingest token ${info.tokens.ingest}`,
    `  admin token  ${info.tokens.admin}`,
    '',
    '  The last minute of transactions:',
    `    curl -H 'Authorization: Bearer ${info.tokens.read}' "${info.url}/api/v1/transactions?from=${from}&to=${to}&limit=20"`,
    '',
    '  In Grafana, add an "Osprey APM" datasource with the backend URL and the read token.',
    info.duration === undefined
      ? '  Ctrl-C stops the backend, the services and the load.'
      : `  Stops by itself after ${info.duration} s (or Ctrl-C).`,
    '',
  ].join('\n');
}
