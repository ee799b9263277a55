import { createLogger, formatLogLine } from './log';

describe('formatLogLine', () => {
  const now = new Date(Date.UTC(2026, 10, 22, 8, 0, 0, 5));

  it.each<[string, Parameters<typeof formatLogLine>, Record<string, unknown>]>([
    [
      'no fields',
      ['info', 'attached', undefined, now],
      { ts: '2026-11-22T08:00:00.005Z', level: 'info', msg: 'attached' },
    ],
    [
      'fields flattened after ts, level, msg',
      ['warn', 'upload failed', { pid: 7, status: 503 }, now],
      { ts: '2026-11-22T08:00:00.005Z', level: 'warn', msg: 'upload failed', pid: 7, status: 503 },
    ],
    [
      'fields cannot overwrite ts, level or msg',
      ['error', 'gone', { level: 'info', msg: 'x', ts: 0, pid: 1 }, now],
      { ts: '2026-11-22T08:00:00.005Z', level: 'error', msg: 'gone', pid: 1 },
    ],
  ])('%s', (_name, args, expected) => {
    const line = formatLogLine(...args);
    expect(JSON.parse(line)).toEqual(expected);
    expect(Object.keys(JSON.parse(line)).slice(0, 3)).toEqual(['ts', 'level', 'msg']);
    expect(line).not.toContain('\n');
  });

  it('createLogger writes one line per call', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log.info('a', { n: 1 });
    log.error('b');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'info', msg: 'a', n: 1 }),
      expect.objectContaining({ level: 'error', msg: 'b' }),
    ]);
  });
});
