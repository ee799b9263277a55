import { ArgsError, parseAgentArgs } from './args';

const BASE = ['--backend', 'http://osprey:4318/', '--token', 't1', '--service', 'shop'];

describe('parseAgentArgs', () => {
  it('applies the defaults', () => {
    expect(parseAgentArgs([...BASE, '--pid', '42'], {})).toEqual({
      kind: 'run',
      config: {
        backend: 'http://osprey:4318',
        token: 't1',
        service: 'shop',
        instance: undefined,
        target: { pid: 42 },
        intervalMs: 30_000,
        heapIntervalMs: 300_000,
        pollMs: 2000,
        jcmdTimeoutMs: 30_000,
        threadDumpFormat: 'text',
        jcmd: undefined,
        once: false,
      },
    });
  });

  it.each<[string, string[], NodeJS.ProcessEnv, Record<string, unknown>]>([
    ['--match', ['--match', 'com.shop.Main'], {}, { target: { match: 'com.shop.Main' } }],
    [
      'durations',
      ['--pid', '1', '--interval', '500ms', '--heap-interval', '1h', '--poll', '1s'],
      {},
      { intervalMs: 500, heapIntervalMs: 3_600_000, pollMs: 1000 },
    ],
    ['--instance', ['--pid', '1', '--instance', 'pod-7'], {}, { instance: 'pod-7' }],
    [
      '--jcmd and --once',
      ['--pid', '1', '--jcmd', '/opt/jdk/bin/jcmd', '--once'],
      {},
      { jcmd: '/opt/jdk/bin/jcmd', once: true },
    ],
    ['--jcmd-timeout', ['--pid', '1', '--jcmd-timeout', '5s'], {}, { jcmdTimeoutMs: 5000 }],
    ['--thread-dump-format text', ['--pid', '1', '--thread-dump-format', 'text'], {}, { threadDumpFormat: 'text' }],
    ['--thread-dump-format json', ['--pid', '1', '--thread-dump-format', 'json'], {}, { threadDumpFormat: 'json' }],
    ['--thread-dump-format=both', ['--pid', '1', '--thread-dump-format=both'], {}, { threadDumpFormat: 'both' }],
    ['--opt=value form', ['--pid=9'], {}, { target: { pid: 9 } }],
    [
      'a path under the backend URL',
      ['--pid', '1', '--backend', 'https://x.example/osprey/'],
      {},
      { backend: 'https://x.example/osprey' },
    ],
  ])('%s', (_name, extra, env, expected) => {
    const parsed = parseAgentArgs([...BASE, ...extra], env);
    expect(parsed.kind === 'run' && parsed.config).toMatchObject(expected);
  });

  it('takes the token from OSPREY_INGEST_TOKEN, the flag winning', () => {
    const argv = ['--backend', 'http://b', '--service', 's', '--pid', '1'];
    expect(parseAgentArgs(argv, { OSPREY_INGEST_TOKEN: 'env-t' })).toMatchObject({ config: { token: 'env-t' } });
    expect(parseAgentArgs([...argv, '--token', 'flag-t'], { OSPREY_INGEST_TOKEN: 'env-t' })).toMatchObject({
      config: { token: 'flag-t' },
    });
  });

  it.each<[string, string[], Record<string, unknown>]>([
    [
      'host snapshots alone: no JVM, no --service',
      ['--backend', 'http://b', '--token', 't', '--host-interval', '1m', '--host', 'db-1'],
      { host: { backend: 'http://b', token: 't', host: 'db-1', intervalMs: 60_000, pollMs: 2000, once: false } },
    ],
    [
      'host snapshots beside a JVM',
      [...BASE, '--pid', '7', '--host-interval', '30s', '--poll', '1s'],
      { config: { target: { pid: 7 }, pollMs: 1000 }, host: { intervalMs: 30_000, pollMs: 1000 } },
    ],
  ])('%s', (_name, argv, expected) => {
    expect(parseAgentArgs(argv, {})).toMatchObject({ kind: 'run', ...expected });
  });

  it('answers --help even with other flags missing', () => {
    expect(parseAgentArgs(['--help'], {})).toEqual({ kind: 'help' });
  });

  it.each<[string[], RegExp]>([
    [['--service', 's', '--token', 't', '--pid', '1'], /--backend is required/],
    [['--backend', 'http://b', '--token', 't', '--pid', '1'], /--service is required/],
    [['--backend', 'http://b', '--service', 's', '--pid', '1'], /--token .*OSPREY_INGEST_TOKEN.* is required/],
    [[...BASE], /one of --pid or --match \(or --host-interval alone\) is required/],
    [[...BASE, '--pid', '1', '--host', 'h'], /--host needs --host-interval/],
    [[...BASE, '--host-interval', 'soon'], /--host-interval: "soon" is not a duration/],
    [[...BASE, '--pid', '1', '--match', 'X'], /either --pid or --match, not both/],
    [[...BASE, '--pid', 'abc'], /--pid: "abc" is not a process id/],
    [[...BASE, '--pid', '0'], /--pid: "0" is not a process id/],
    [[...BASE, '--pid', '1', '--interval', '30'], /--interval: "30" is not a duration/],
    [[...BASE, '--pid', '1', '--poll', '0s'], /--poll: "0s" is not a duration/],
    [[...BASE, '--pid', '1', '--heap-interval', 'often'], /--heap-interval: "often" is not a duration/],
    [['--backend', 'ftp://b', '--token', 't', '--service', 's', '--pid', '1'], /must be an http or https URL/],
    [['--backend', 'osprey', '--token', 't', '--service', 's', '--pid', '1'], /"osprey" is not a URL/],
    [[...BASE, '--pid', '1', '--instance', ' '], /--instance must not be empty/],
    [
      [...BASE, '--pid', '1', '--thread-dump-format', 'JSON'],
      /--thread-dump-format: "JSON" is not one of text, json, both/,
    ],
    [[...BASE, '--pid', '1', '--thread-dump-format', ''], /--thread-dump-format: "" is not one of/],
    [[...BASE, '--pid', '1', '--thread-dump-format'], /--thread-dump-format/],
    [[...BASE, '--pid', '1', '--verbose'], /Unknown option '--verbose'/],
    [[...BASE, '--pid', '1', 'extra'], /Unexpected argument 'extra'/],
    [[...BASE, '--pid'], /--pid/],
    [[...BASE, '--pid', '1', '--service', '--once'], /--service/],
  ])('%j → %s', (argv, message) => {
    expect(() => parseAgentArgs(argv, {})).toThrow(ArgsError);
    expect(() => parseAgentArgs(argv, {})).toThrow(message);
  });
});
