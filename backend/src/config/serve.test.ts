import { ConfigError, parseServeArgs, USAGE } from './serve';

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
      maxQueuedSpans: 200_000,
      active: { thresholds: { slow: 3000, verySlow: 8000 }, staleAfterMs: 30_000 },
      tokens: { ingest: 'i', admin: 'a' },
    });
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
    [['--data-dir', '/d', '--max-queued-spans', '0'], env, '--max-queued-spans must be an integer from 1'],
    [['--data-dir', '/d', '--active-slow-ms', 'soon'], env, '--active-slow-ms must be'],
    [['--data-dir', '/d', '--active-very-slow-ms', '3000'], env, 'must be greater than --active-slow-ms (3000)'],
    [['--data-dir', '/d'], { ...env, OSPREY_ACTIVE_STALE_MS: '-1' }, '--active-stale-ms must be'],
    [['--data-dir', '/d', '--verbose'], env, "Unknown option '--verbose'"],
    [['--data-dir', '/d', 'extra'], env, 'positional'],
    [['--data-dir', '/d'], { OSPREY_READ_TOKEN: 'has space' }, 'OSPREY_READ_TOKEN must not contain whitespace'],
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
      '--max-queued-spans',
      '--active-slow-ms',
      '--active-very-slow-ms',
      '--active-stale-ms',
      '--help',
    ]) {
      expect(USAGE).toContain(word);
    }
    for (const variable of [
      'OSPREY_INGEST_TOKEN',
      'OSPREY_READ_TOKEN',
      'OSPREY_ADMIN_TOKEN',
      'OSPREY_DATA_DIR',
      'OSPREY_MAX_QUEUED_SPANS',
      'OSPREY_ACTIVE_STALE_MS',
    ]) {
      expect(USAGE).toContain(variable);
    }
  });
});
