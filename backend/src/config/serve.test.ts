import { ConfigError, parseDurationMs, parseServeArgs, USAGE } from './serve';

describe('parseServeArgs', () => {
  const env = { OSPREY_READ_TOKEN: 'r' };

  it('reads options and tokens', () => {
    expect(
      parseServeArgs(['--port', '0', '--host', '0.0.0.0', '--data-dir', '/d', '--max-body-bytes', '2048'], {
        OSPREY_INGEST_TOKEN: 'i',
        OSPREY_ADMIN_TOKEN: 'a',
      })
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/d',
      insecure: false,
      maxBodyBytes: 2048,
      tokens: { ingest: 'i', admin: 'a' },
      metricsMaxEndpoints: 500,
    });
  });

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

  it('falls back to environment and defaults', () => {
    expect(parseServeArgs([], { ...env, OSPREY_DATA_DIR: '/env' })).toMatchObject({
      port: 4318,
      host: '127.0.0.1',
      dataDir: '/env',
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
    [['--data-dir', '/d', '--port', '65536'], env, '--port must be an integer from 0 to 65535'],
    [['--data-dir', '/d', '--port', 'abc'], env, '--port must be'],
    [['--data-dir', '/d', '--port=-1'], env, '--port must be'],
    [['--data-dir', '/d', '--max-body-bytes', '10'], env, '--max-body-bytes must be'],
    [['--data-dir', '/d', '--verbose'], env, "Unknown option '--verbose'"],
    [['--data-dir', '/d', 'extra'], env, 'positional'],
    [['--data-dir', '/d'], { OSPREY_READ_TOKEN: 'has space' }, 'OSPREY_READ_TOKEN must not contain whitespace'],
    [['--data-dir', '/d', '--metrics-max-endpoints', '0'], env, '--metrics-max-endpoints must be an integer from 1'],
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
      '--port',
      '--host',
      '--data-dir',
      '--insecure',
      '--max-body-bytes',
      '--metrics-max-endpoints',
      '--influx-url',
      '--influx-db',
      '--influx-interval',
      '--help',
    ]) {
      expect(USAGE).toContain(word);
    }
    for (const variable of [
      'OSPREY_INGEST_TOKEN',
      'OSPREY_READ_TOKEN',
      'OSPREY_ADMIN_TOKEN',
      'OSPREY_DATA_DIR',
      'OSPREY_METRICS_MAX_ENDPOINTS',
      'OSPREY_INFLUX_URL',
      'OSPREY_INFLUX_DB',
      'OSPREY_INFLUX_INTERVAL',
    ]) {
      expect(USAGE).toContain(variable);
    }
  });

  it.each<[string, number | undefined]>([
    ['10s', 10_000],
    ['10', 10_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1.5s', 1500],
    [' 2m ', 120_000],
    ['', undefined],
    ['s', undefined],
    ['-1s', undefined],
    ['10h', undefined],
    ['1e3', undefined],
  ])('parseDurationMs(%j) = %p', (text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });
});
