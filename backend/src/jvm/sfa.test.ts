import { readFileSync } from 'fs';
import { join } from 'path';
import { parseThreadDump, stackFrameFrequency } from '.';

const dump = (path: string) =>
  parseThreadDump(readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8'));

describe('stack-frame frequency across dumps of one JVM', () => {
  const series = [dump('jdk25/jstack-l.txt'), dump('jdk25/jcmd-thread-print.txt')];

  it('puts the frames the 200 idle pool threads share first, counted per thread sample', () => {
    const sfa = stackFrameFrequency(series);
    expect(sfa.dumps).toBe(2);
    expect(sfa.threadSamples).toBe(series.reduce((n, d) => n + d.threads.filter((t) => t.stack.length > 0).length, 0));
    const take = sfa.frames.find((f) => f.frame.startsWith('java.util.concurrent.LinkedBlockingQueue.take('));
    expect(take).toMatchObject({ count: 400, topCount: 0, threads: 200, dumps: 2 });
    expect(sfa.frames[0].count).toBeGreaterThanOrEqual(400);
    for (let i = 1; i < sfa.frames.length; i++) {
      expect(sfa.frames[i - 1].count).toBeGreaterThanOrEqual(sfa.frames[i].count);
    }
  });

  it('with RUNNABLE only, shows where CPU goes: the report generators’ loop on top', () => {
    const sfa = stackFrameFrequency(series, { states: ['RUNNABLE'], limit: 5 });
    expect(sfa.frames).toHaveLength(5);
    const loop = sfa.frames.find((f) => f.frame.startsWith('ShopWorkload.lambda$main$4('));
    expect(loop).toMatchObject({ count: 4, topCount: 4, threads: 2, dumps: 2 });
  });

  it('counts a recursive frame once per thread sample', () => {
    const d = series[0];
    const recursive = {
      ...d,
      threads: [{ ...d.threads[0], name: 'r', stack: ['a.B.c(B.java:1)', 'a.B.c(B.java:1)', 'a.B.d(B.java:2)'] }],
    };
    expect(stackFrameFrequency([recursive]).frames).toEqual([
      { frame: 'a.B.c(B.java:1)', count: 1, topCount: 1, threads: 1, dumps: 1 },
      { frame: 'a.B.d(B.java:2)', count: 1, topCount: 0, threads: 1, dumps: 1 },
    ]);
  });
});
