import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ConfigError, parseConfigFile, parseServeArgs, USAGE } from './serve';

const DAY = 24 * 3600 * 1000;

const env = { OSPREY_READ_TOKEN: 'r' };

describe('parseServeArgs', () => {
  it('reads options and tokens', () => {
    expect(
      parseServeArgs(
        ['--port', '0', '--host', '0.0.0.0', '--data-dir', '/d', '--max-body-bytes', '2048', '--settle-ms', '500'],
        { OSPREY_INGEST_TOKEN: 'i', OSPREY_ADMIN_TOKEN: 'a', OSPREY_SETTLE_MS: '9' }
      )
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/d',
      insecure: false,
      maxBodyBytes: 2048,
      settleMs: 500,
      maxQueuedSpans: 200_000,
      loadIntervalMs: 1000,
      settleMemorySpans: 500_000,
      active: { thresholds: { slow: 3000, verySlow: 8000 }, staleAfterMs: 30_000 },
      tokens: { ingest: 'i', admin: 'a' },
      retention: {
        spans: 3 * DAY,
        transactions: 7 * DAY,
        rollups: 90 * DAY,
        jvm: 30 * DAY,
        metrics: 30 * DAY,
        logs: 3 * DAY,
      },
      metricsMaxEndpoints: 500,
      concurrencyLimit: 200,
      store: 'duckdb',
      checks: [],
      slos: [],
    });
  });

  it.each([
    [
      'flags',
      ['--store', 'clickhouse', '--clickhouse-url', 'http://ch:8123', '--clickhouse-database', 'apm'],
      {},
      { url: 'http://ch:8123', database: 'apm' },
    ],
    [
      'environment, default database',
      [],
      { OSPREY_STORE: 'clickhouse', OSPREY_CLICKHOUSE_URL: 'https://u:p@ch:8443' },
      { url: 'https://u:p@ch:8443', database: 'osprey' },
    ],
    [
      'flags beat environment',
      ['--clickhouse-url', 'http://flag:8123', '--clickhouse-cluster', 'shards'],
      { OSPREY_STORE: 'clickhouse', OSPREY_CLICKHOUSE_URL: 'http://env:8123', OSPREY_CLICKHOUSE_DATABASE: 'env_db' },
      { url: 'http://flag:8123', database: 'env_db', cluster: 'shards' },
    ],
  ] as Array<[string, string[], Record<string, string>, object]>)(
    'reads the ClickHouse store from %s',
    (_, args, environment, clickhouse) => {
      expect(parseServeArgs(args, { ...env, ...environment })).toMatchObject({ store: 'clickhouse', clickhouse });
    }
  );

  it('reads the export options from flags, or from the environment', () => {
    const args = ['--data-dir', '/d', '--metrics-max-endpoints', '50'];
    const influxArgs = ['--influx-url', 'http://influx:8086', '--influx-db', 'apm', '--influx-interval', '30s'];
    expect(parseServeArgs([...args, ...influxArgs], env)).toMatchObject({
      metricsMaxEndpoints: 50,
      influx: { url: 'http://influx:8086', db: 'apm', intervalMs: 30_000 },
    });
    expect(
      parseServeArgs(['--data-dir', '/d'], {
        ...env,
        OSPREY_METRICS_MAX_ENDPOINTS: '7',
        OSPREY_INFLUX_URL: 'https://u:p@influx.example/',
      })
    ).toMatchObject({
      metricsMaxEndpoints: 7,
      influx: { url: 'https://u:p@influx.example/', db: 'osprey', intervalMs: 10_000 },
    });
    expect(parseServeArgs(['--data-dir', '/d'], env)).not.toHaveProperty('influx');
  });

  it('reads the concurrency limit of the capacity gauges from a flag or the environment, 200 without', () => {
    const parsed = (args: string[], environment = {}) =>
      parseServeArgs(['--data-dir', '/d', ...args], { ...env, ...environment });
    expect(parsed([])).toMatchObject({ concurrencyLimit: 200 });
    expect(parsed(['--concurrency-limit', '50'])).toMatchObject({ concurrencyLimit: 50 });
    expect(parsed([], { OSPREY_CONCURRENCY_LIMIT: '8' })).toMatchObject({ concurrencyLimit: 8 });
  });

  it('reads the queue bound and the equalizer from flags or environment', () => {
    expect(
      parseServeArgs(['--data-dir', '/d', '--max-queued-spans', '50', '--active-slow-ms', '1000'], {
        ...env,
        OSPREY_ACTIVE_VERY_SLOW_MS: '2000',
        OSPREY_ACTIVE_STALE_MS: '5000',
        OSPREY_MAX_QUEUED_SPANS: '99',
      })
    ).toMatchObject({ maxQueuedSpans: 50, active: { thresholds: { slow: 1000, verySlow: 2000 }, staleAfterMs: 5000 } });
  });

  it.each([
    ['the flag', ['--settle-memory-spans', '0'], { OSPREY_SETTLE_MEMORY_SPANS: '7' }, 0],
    ['the environment', [], { OSPREY_SETTLE_MEMORY_SPANS: '7' }, 7],
    ['the default', [], {}, 500_000],
  ])('takes the settling memory bound from %s', (_from, args, variables, spans) => {
    expect(parseServeArgs(['--data-dir', '/d', ...args], { ...env, ...variables })).toMatchObject({
      settleMemorySpans: spans,
    });
  });

  it('falls back to environment and defaults', () => {
    expect(parseServeArgs([], { ...env, OSPREY_DATA_DIR: '/env' })).toMatchObject({
      port: 4318,
      host: '127.0.0.1',
      dataDir: '/env',
      settleMs: 10_000,
    });
    expect(parseServeArgs([], { ...env, OSPREY_DATA_DIR: '/env', OSPREY_SETTLE_MS: '0' })).toMatchObject({
      settleMs: 0,
    });
  });

  it('allows no tokens with --insecure', () => {
    expect(parseServeArgs(['--data-dir', '/d', '--insecure'], {})).toMatchObject({ insecure: true, tokens: {} });
  });

  it('returns help', () => {
    expect(parseServeArgs(['--help'], {})).toBe('help');
  });

  it.each([
    [['--data-dir', '/d'], {}, 'no tokens configured'],
    [[], env, '--data-dir is required'],
    [['--store', 'postgres'], env, '--store must be duckdb or clickhouse, got "postgres"'],
    [['--store', 'clickhouse'], env, '--store clickhouse needs --clickhouse-url'],
    [['--data-dir', '/d', '--clickhouse-url', 'http://ch:8123'], env, 'need --store clickhouse'],
    [['--store', 'clickhouse', '--clickhouse-url', 'ch:8123x'], env, '--clickhouse-url must be an http(s) URL'],
    [['--store', 'clickhouse', '--clickhouse-url', 'http://ch/?database=x'], env, 'without query'],
    [
      ['--store', 'clickhouse', '--clickhouse-url', 'http://ch', '--clickhouse-database', "a'; DROP"],
      env,
      '--clickhouse-database must be letters, digits and _',
    ],
    [
      ['--store', 'clickhouse', '--clickhouse-url', 'http://ch', '--clickhouse-cluster', '1x'],
      env,
      '--clickhouse-cluster must be letters',
    ],
    [['--data-dir', '/d', '--port', '65536'], env, '--port must be an integer from 0 to 65535'],
    [['--data-dir', '/d', '--port', 'abc'], env, '--port must be'],
    [['--data-dir', '/d', '--port=-1'], env, '--port must be'],
    [['--data-dir', '/d', '--max-body-bytes', '10'], env, '--max-body-bytes must be'],
    [['--data-dir', '/d', '--settle-ms', '1.5'], env, '--settle-ms must be an integer from 0 to 3600000'],
    [['--data-dir', '/d'], { ...env, OSPREY_SETTLE_MS: '-1' }, '--settle-ms must be'],
    [['--data-dir', '/d', '--max-queued-spans', '0'], env, '--max-queued-spans must be an integer from 1'],
    [
      ['--data-dir', '/d', '--settle-memory-spans', 'many'],
      env,
      '--settle-memory-spans must be an integer from 0 to 100000000',
    ],
    [['--data-dir', '/d', '--active-slow-ms', 'soon'], env, '--active-slow-ms must be'],
    [['--data-dir', '/d', '--active-very-slow-ms', '3000'], env, 'must be greater than --active-slow-ms (3000)'],
    [['--data-dir', '/d'], { ...env, OSPREY_ACTIVE_STALE_MS: '-1' }, '--active-stale-ms must be'],
    [['--data-dir', '/d', '--verbose'], env, "Unknown option '--verbose'"],
    [['--data-dir', '/d', 'extra'], env, 'positional'],
    [['--data-dir', '/d'], { OSPREY_READ_TOKEN: 'has space' }, 'OSPREY_READ_TOKEN must not contain whitespace'],
    [['--data-dir', '/d', '--metrics-max-endpoints', '0'], env, '--metrics-max-endpoints must be an integer from 1'],
    [['--data-dir', '/d', '--concurrency-limit', '0'], env, '--concurrency-limit must be an integer from 1 to 1000000'],
    [['--data-dir', '/d', '--influx-db', 'apm'], env, '--influx-db and --influx-interval need --influx-url'],
    [['--data-dir', '/d', '--influx-url', 'influx:8086x'], env, '--influx-url must be an http(s) URL'],
    [['--data-dir', '/d', '--influx-url', 'not a url'], env, '--influx-url must be an http(s) URL'],
    [['--data-dir', '/d', '--influx-url', 'http://i:8086/?db=x'], env, 'must not carry a query'],
    [
      ['--data-dir', '/d', '--influx-url', 'http://i:8086', '--influx-interval', 'soon'],
      env,
      '--influx-interval must be',
    ],
    [
      ['--data-dir', '/d', '--influx-url', 'http://i:8086', '--influx-interval', '10ms'],
      env,
      '--influx-interval must be',
    ],
  ] as Array<[string[], Record<string, string>, string]>)('%j with %j fails: %s', (args, environment, message) => {
    expect(() => parseServeArgs(args, environment)).toThrow(ConfigError);
    expect(() => parseServeArgs(args, environment)).toThrow(message);
  });

  it('documents every option and environment variable', () => {
    for (const word of [
      '--config',
      '--port',
      '--host',
      '--data-dir',
      '--store',
      '--clickhouse-url',
      '--clickhouse-database',
      '--clickhouse-cluster',
      '--insecure',
      '--max-body-bytes',
      '--retention-spans',
      '--retention-transactions',
      '--retention-rollups',
      '--retention-jvm',
      '--settle-ms',
      '--metrics-max-endpoints',
      '--concurrency-limit',
      '--influx-url',
      '--influx-db',
      '--influx-interval',
      '--max-queued-spans',
      '--settle-memory-spans',
      '--active-slow-ms',
      '--active-very-slow-ms',
      '--active-stale-ms',
      '--help',
    ]) {
      expect(USAGE).toContain(word);
    }
    for (const variable of [
      'OSPREY_CONFIG',
      'OSPREY_INGEST_TOKEN',
      'OSPREY_READ_TOKEN',
      'OSPREY_ADMIN_TOKEN',
      'OSPREY_DATA_DIR',
      'OSPREY_STORE',
      'OSPREY_CLICKHOUSE_URL',
      'OSPREY_CLICKHOUSE_DATABASE',
      'OSPREY_CLICKHOUSE_CLUSTER',
      'OSPREY_SETTLE_MS',
      'OSPREY_INSECURE',
      'OSPREY_MAX_BODY_BYTES',
      'OSPREY_RETENTION_SPANS',
      'OSPREY_RETENTION_TRANSACTIONS',
      'OSPREY_RETENTION_ROLLUPS',
      'OSPREY_METRICS_MAX_ENDPOINTS',
      'OSPREY_CONCURRENCY_LIMIT',
      'OSPREY_INFLUX_URL',
      'OSPREY_INFLUX_DB',
      'OSPREY_INFLUX_INTERVAL',
      'OSPREY_MAX_QUEUED_SPANS',
      'OSPREY_SETTLE_MEMORY_SPANS',
      'OSPREY_ACTIVE_STALE_MS',
    ]) {
      expect(USAGE).toContain(variable);
    }
  });
});

describe('config file', () => {
  const YAML = `
port: 9000
host: 0.0.0.0
dataDir: data
maxBodyBytes: 4096
settleMs: 2500
maxQueuedSpans: 1000
loadIntervalMs: 250
settleMemorySpans: 5000
activeSlowMs: 2000
activeVerySlowMs: 5000
activeStaleMs: 10000
metricsMaxEndpoints: 50
concurrencyLimit: 120
influxUrl: http://influx:8086
influxDb: apm
influxInterval: 30s
tokens:
  read: file-read
  ingest: file-ingest
retention:
  spans: 12h
  transactions: 2d
  rollups: 30d
  jvm: 14d
  metrics: 10d
  logs: 1d
`;
  const files = (text: string) => () => text;

  it('reads every key of a YAML file; relative dataDir is resolved against the file', () => {
    expect(parseServeArgs(['--config', '/etc/osprey/osprey.yaml'], {}, files(YAML))).toEqual({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/etc/osprey/data',
      insecure: false,
      maxBodyBytes: 4096,
      settleMs: 2500,
      maxQueuedSpans: 1000,
      loadIntervalMs: 250,
      settleMemorySpans: 5000,
      active: { thresholds: { slow: 2000, verySlow: 5000 }, staleAfterMs: 10_000 },
      influx: { url: 'http://influx:8086', db: 'apm', intervalMs: 30_000 },
      tokens: { read: 'file-read', ingest: 'file-ingest' },
      retention: {
        spans: 12 * 3600_000,
        transactions: 2 * DAY,
        rollups: 30 * DAY,
        jvm: 14 * DAY,
        metrics: 10 * DAY,
        logs: DAY,
      },
      metricsMaxEndpoints: 50,
      concurrencyLimit: 120,
      store: 'duckdb',
      checks: [],
      slos: [],
    });
  });

  it('reads the checks of a file with their defaults, and names a bad entry', () => {
    const text = [
      'dataDir: /d',
      'checks:',
      '  - { name: shop, url: "https://shop.example/health", bodyMatch: ok, expectedStatus: [200, 204] }',
      '  - { name: db, url: "tcp://db:5432", intervalMs: 5000, timeoutMs: 1000 }',
      '',
    ].join('\n');
    expect(parseServeArgs(['--config', '/c/o.yaml'], env, files(text))).toMatchObject({
      checks: [
        {
          name: 'shop',
          kind: 'http',
          url: 'https://shop.example/health',
          method: 'GET',
          bodyMatch: 'ok',
          expectedStatus: [200, 204],
          intervalMs: 30_000,
          timeoutMs: 10_000,
        },
        { name: 'db', kind: 'tcp', url: 'tcp://db:5432', intervalMs: 5000, timeoutMs: 1000 },
      ],
    });
    for (const [bad, message] of [
      ['checks: [{ url: "http://x/" }]', "checks[0] must have required property 'name'"],
      ['checks: [{ name: a, url: "http://x/", timeoutMs: -1 }]', 'checks[0].timeoutMs must be >= 100'],
      ['checks: [{ name: a, url: "http://x/" }, { name: a, url: "http://y/" }]', 'checks: two checks named "a"'],
      ['checks: [{ name: a, url: "tcp://x" }]', 'check a: a tcp check needs a url tcp://host:port, got tcp://x'],
    ]) {
      expect(() => parseServeArgs(['--config', '/c/o.yaml'], env, files(`dataDir: /d\n${bad}`))).toThrow(
        new ConfigError(`config file /c/o.yaml: ${message}`)
      );
    }
  });

  it('reads the SLOs of a file, and stops at a bad one naming it', () => {
    const text = [
      'dataDir: /d',
      'slos:',
      '  - { name: fast, service: shop, objective: latency, thresholdMs: 250, target: 95, window: 4w }',
      '',
    ].join('\n');
    expect(parseServeArgs(['--config', '/c/o.yaml'], env, files(text))).toMatchObject({
      slos: [
        {
          name: 'fast',
          service: 'shop',
          objective: 'latency',
          thresholdMs: 250,
          target: 95,
          window: '4w',
          windowMs: 28 * DAY,
        },
      ],
    });
    const bad = 'slos: [{ name: pay, service: shop, objective: latency, target: 99, window: 30d, thresholdMs: 400 }]';
    expect(() => parseServeArgs(['--config', '/c/o.yaml'], env, files(`dataDir: /d\n${bad}`))).toThrow(
      /^config file \/c\/o.yaml: slos\[0\].thresholdMs must be equal to one of the allowed values: 5, 10, /
    );
  });

  it('reads the ClickHouse keys of a file', () => {
    const text = 'store: clickhouse\nclickhouseUrl: http://ch:8123\nclickhouseDatabase: apm\nclickhouseCluster: two\n';
    expect(parseServeArgs(['--config', '/c/o.yaml'], env, files(text))).toMatchObject({
      store: 'clickhouse',
      clickhouse: { url: 'http://ch:8123', database: 'apm', cluster: 'two' },
    });
  });

  it('flags beat environment variables, which beat the file', () => {
    const config = parseServeArgs(
      ['--port', '1', '--retention-spans', '1h'],
      {
        OSPREY_CONFIG: '/c/osprey.yml',
        OSPREY_PORT: '2',
        OSPREY_HOST: '::1',
        OSPREY_RETENTION_ROLLUPS: '1w',
        OSPREY_RETENTION_JVM: '3d',
        OSPREY_READ_TOKEN: 'env-read',
      },
      files(YAML)
    );
    expect(config).toMatchObject({
      port: 1,
      host: '::1',
      dataDir: '/c/data',
      tokens: { read: 'env-read', ingest: 'file-ingest' },
      retention: { spans: 3600_000, transactions: 2 * DAY, rollups: 7 * DAY, jvm: 3 * DAY },
    });
  });

  it('reads a JSON file from disk', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'osprey-config-'));
    try {
      const file = path.join(dir, 'osprey.json');
      writeFileSync(file, JSON.stringify({ dataDir: '/abs', insecure: true, retention: { transactions: '36h' } }));
      expect(parseServeArgs(['--config', file], {})).toMatchObject({
        dataDir: '/abs',
        insecure: true,
        tokens: {},
        retention: { spans: 3 * DAY, transactions: 36 * 3600_000, rollups: 90 * DAY, jvm: 30 * DAY },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['c.yaml', 'dataDir: /d\nprot: 1\n', 'config file c.yaml: unknown key "prot"'],
    ['c.yaml', 'dataDir: /d\nretention:\n  traces: 1d\n', 'config file c.yaml: retention: unknown key "traces"'],
    ['c.yaml', 'dataDir: /d\ntokens: abc\n', 'config file c.yaml: tokens must be an object'],
    ['c.yaml', 'dataDir: [1]\n', 'config file c.yaml: dataDir must be a string'],
    ['c.yaml', 'dataDir: /d\ninsecure: yes please\n', 'config file c.yaml: insecure must be a boolean'],
    ['c.yaml', '- a\n- b\n', 'config file c.yaml must be an object'],
    ['c.yaml', 'a: [\n', 'config file c.yaml:'],
    ['c.json', '{"dataDir": ', 'config file c.json:'],
  ])('%s %j → %s', (file, text, message) => {
    expect(() => parseConfigFile(file, text)).toThrow(ConfigError);
    expect(() => parseConfigFile(file, text)).toThrow(message);
  });

  it.each([
    [
      ['--config', 'c.yaml'],
      'dataDir: /d\nretention:\n  spans: 3 days\n',
      '--retention-spans must be a duration such as 36h or 90d, got "3 days"',
    ],
    [['--config', 'c.yaml'], 'dataDir: /d\nretention:\n  spans: 3\n', 'retention.spans must be a string, got 3'],
    [
      ['--config', 'c.yaml', '--retention-rollups', 'forever'],
      'dataDir: /d\n',
      '--retention-rollups must be a duration',
    ],
    [['--config', 'c.yaml'], 'dataDir: /d\nport: 70000\n', '--port must be an integer from 0 to 65535'],
    [
      ['--config', 'c.yaml'],
      'dataDir: /d\ntokens:\n  ingest: "a b"\n',
      'config file tokens.ingest must not contain whitespace',
    ],
    [['--config', ''], '', '--config must not be empty'],
  ])('%j with %j fails: %s', (args, text, message) => {
    expect(() => parseServeArgs(args, env, files(text))).toThrow(message);
  });

  it('names an unreadable file', () => {
    expect(() => parseServeArgs(['--config', '/no/such/osprey.yaml'], env)).toThrow(
      'cannot read config file /no/such/osprey.yaml'
    );
  });
});
