import { readFileSync } from 'fs';
import { join } from 'path';
import { analyzeThreadDump, parseThreadDump, parseThreadDumpText } from '.';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8');

/** Median wall time of `runs` calls after a warm-up, in ms. */
function medianMs(fn: () => unknown, runs = 15): number {
  for (let i = 0; i < 3; i++) {
    fn();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

// Bounds are ~20x the times measured on the 2-core CI machine (about 1.5 ms per 4,000-line dump), so
// they only trip on a real regression such as a quadratic pass or a backtracking regex.
describe('parse speed', () => {
  it.each(['jdk17/jstack-l.txt', 'jdk25/jcmd-thread-print.txt', 'jdk25/thread-dump.json'])(
    '%s (≈4,000 lines) parses and analyses in a few ms',
    (file) => {
      const text = fixture(file);
      expect(text.split('\n').length).toBeGreaterThan(3900);
      expect(medianMs(() => parseThreadDump(text))).toBeLessThan(30);
      const dump = parseThreadDump(text);
      expect(medianMs(() => analyzeThreadDump(dump))).toBeLessThan(30);
    }
  );

  it('grows linearly: a dump with 10x the threads takes well under 30x the time', () => {
    const text = fixture('jdk25/jstack-l.txt');
    const blocks = text.slice(text.indexOf('\n"main"') + 1, text.indexOf('\n"GC Thread#1"') + 1);
    const big = text.replace(
      blocks,
      Array.from({ length: 10 }, (_, i) => blocks.replace(/^"([^"]+)" #(\d+)/gm, `"$1-copy${i}" #$2${i}`)).join('')
    );
    const small = medianMs(() => parseThreadDumpText(text), 9);
    const large = medianMs(() => parseThreadDumpText(big), 9);
    expect(parseThreadDumpText(big).threads.length).toBeGreaterThan(2200);
    expect(large).toBeLessThan(Math.max(small, 0.5) * 30);
  });

  it.each([
    ['a 1 MB header line', `"a" ${'prio=5 '.repeat(150_000)}`],
    ['a 1 MB lock line', `"t" #1 prio=5 tid=0x1 nid=0x1 runnable\n\t- locked ${'<'.repeat(1_000_000)}`],
    ['200,000 lines of quotes', '"\n'.repeat(200_000)],
  ])('hostile input stays fast: %s', (_what, text) => {
    const t0 = Date.now();
    try {
      parseThreadDumpText(text);
    } catch {
      // not a dump: the point is how long it takes to say so
    }
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
