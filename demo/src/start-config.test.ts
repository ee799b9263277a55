import { banner, logLevel, parseListeningLine, parseStartArgs } from './start-config';

const token = () => 'generated';

describe('parseStartArgs', () => {
  it.each([
    [[], {}, { port: 4318, previewPort: 3001, dataDir: '.osprey-data', rate: 20 }],
    [['--preview-port', '0'], { OSPREY_PREVIEW_PORT: '4000' }, { previewPort: 0 }],
    [[], { OSPREY_PREVIEW_PORT: '4000' }, { previewPort: 4000 }],
    [['--port', '0'], {}, { port: 0 }],
    [['--port=5000', '--rate=3'], {}, { port: 5000, rate: 3 }],
    [[], { OSPREY_PORT: '4400', OSPREY_DATA_DIR: '/d', DEMO_RATE: '7' }, { port: 4400, dataDir: '/d', rate: 7 }],
    [
      ['--port', '4500', '--data-dir', '/x'],
      { OSPREY_PORT: '4400', OSPREY_DATA_DIR: '/d' },
      { port: 4500, dataDir: '/x' },
    ],
    [['--duration', '2.5'], {}, { duration: 2.5 }],
  ])('%j with env %j → %j', (argv, env, expected) => {
    expect(parseStartArgs(argv, env, token)).toMatchObject(expected);
  });

  it('runs without a duration unless one is given', () => {
    expect(parseStartArgs([], {}, token).duration).toBeUndefined();
  });

  it('takes tokens from the environment and generates the missing ones', () => {
    const config = parseStartArgs([], { OSPREY_READ_TOKEN: 'r', OSPREY_ADMIN_TOKEN: '' }, token);
    expect(config.tokens).toEqual({ read: 'r', ingest: 'generated', admin: 'generated' });
  });

  it('generates distinct random tokens by default', () => {
    const { tokens } = parseStartArgs([], {});
    expect(new Set(Object.values(tokens)).size).toBe(3);
    expect(tokens.read.length).toBeGreaterThanOrEqual(20);
  });

  it.each([
    [['--bogus'], /unknown argument --bogus/],
    [['--rate', '0'], /rate must be a positive number/],
    [['--rate'], /--rate needs a value/],
    [['--duration', 'soon'], /--duration must be a positive number/],
    [['--port', '70000'], /port must be an integer 0..65535/],
    [['--port', '-1'], /port must be a non-negative number/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseStartArgs(argv, {}, token)).toThrow(message);
  });
});

describe('parseListeningLine', () => {
  it.each([
    ['{"level":30,"msg":"osprey listening","url":"http://127.0.0.1:4318"}', 'http://127.0.0.1:4318'],
    ['{"level":30,"msg":"incoming request","url":"http://127.0.0.1:4318"}', undefined],
    ['{"msg":"osprey listening"}', undefined],
    ['osprey listening http://127.0.0.1:1', undefined],
    ['null', undefined],
    ['', undefined],
  ])('%s → %s', (line, url) => {
    expect(parseListeningLine(line)).toBe(url);
  });
});

describe('logLevel', () => {
  it.each([
    ['{"level":50,"msg":"x"}', 50],
    ['{"level":"info"}', undefined],
    ['not json', undefined],
  ])('%s → %s', (line, level) => {
    expect(logLevel(line)).toBe(level);
  });
});

describe('banner', () => {
  const bannerWith = (preview: Parameters<typeof banner>[0]['preview']) =>
    banner({
      url: 'http://127.0.0.1:4318',
      shopUrl: 'http://127.0.0.1:5555',
      preview,
      tokens: { read: 'R', ingest: 'I', admin: 'A' },
      logFile: '/d/osprey.log',
      rate: 20,
    });
  const text = bannerWith({ url: 'http://127.0.0.1:3001' });

  it('shows the URL, every token and a curl that uses the read token', () => {
    expect(text).toContain('http://127.0.0.1:4318');
    expect(text).toMatch(/read token\s+R\n/);
    expect(text).toMatch(/ingest token\s+I\n/);
    expect(text).toMatch(/admin token\s+A\n/);
    expect(text).toContain(`curl -H 'Authorization: Bearer R' "http://127.0.0.1:4318/api/v1/transactions?from=`);
    expect(text).toContain('Ctrl-C');
  });

  it('shows the preview URL, or why there is no preview', () => {
    expect(text).toMatch(/preview\s+http:\/\/127\.0\.0\.1:3001\/\s/);
    const without = bannerWith({ missing: 'dist/datasource/module.js is missing: run `npm run build`' });
    expect(without).toContain('preview      not served: dist/datasource/module.js is missing');
  });
});
