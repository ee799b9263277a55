import { readFileSync } from 'fs';
import { join } from 'path';
import { diffHistograms, HistogramParseError, parseClassHistogram } from '.';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8');

describe.each([
  { file: 'jdk17/class_histogram.txt', pid: 5794, rows: 318, module: 'java.base@17.0.15', total: [229771, 7512560] },
  { file: 'jdk25/class_histogram.txt', pid: 6124, rows: 378, module: 'java.base@25.0.3', total: [233134, 7639488] },
])('GC.class_histogram $file', ({ file, pid, rows, module, total }) => {
  const h = parseClassHistogram(fixture(file));

  it('reads pid, every row and the Total line', () => {
    expect(h.pid).toBe(pid);
    expect(h.rows).toHaveLength(rows);
    expect(h.rows.map((r) => r.rank)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
    expect([h.totalInstances, h.totalBytes]).toEqual(total);
    expect(h.rows.reduce((s, r) => s + r.bytes, 0)).toBe(h.totalBytes);
    expect(h.unparsed).toEqual([]);
  });

  it('is topped by the 50,000 sessions: byte[], ConcurrentHashMap nodes, String, Long', () => {
    expect(h.rows.slice(0, 4).map((r) => r.class)).toEqual([
      '[B',
      'java.util.concurrent.ConcurrentHashMap$Node',
      'java.lang.String',
      'java.lang.Long',
    ]);
    expect(h.rows[0].module).toBe(module);
    const longs = h.rows.find((r) => r.class === 'java.lang.Long');
    expect(longs?.instances).toBeGreaterThanOrEqual(50000);
    expect(
      h.rows.find((r) => r.class === 'java.util.concurrent.ConcurrentHashMap$Node')?.instances
    ).toBeGreaterThanOrEqual(50000);
  });

  it('leaves the module off classes of the unnamed module', () => {
    const lambda = h.rows.find((r) => r.class.startsWith('ShopWorkload$$Lambda'));
    expect(lambda).toBeDefined();
    expect(lambda?.module).toBeUndefined();
  });
});

describe('histogram forms and diff', () => {
  const jdk17 = fixture('jdk17/class_histogram.txt');

  it('reads the JDK 8 form (no module column, no pid line)', () => {
    const jdk8 = jdk17
      .replace(/^\d+:\n/, '')
      .replace('class name (module)', 'class name')
      .replace(/ \(java\.base@17\.0\.15\)$/gm, '');
    const h = parseClassHistogram(jdk8);
    expect(h.pid).toBeUndefined();
    expect(h.rows).toHaveLength(318);
    expect(h.rows.every((r) => r.module === undefined)).toBe(true);
    expect(h.rows[1]).toEqual({
      rank: 2,
      class: 'java.util.concurrent.ConcurrentHashMap$Node',
      instances: 51198,
      bytes: 1638336,
    });
    expect(h.unparsed).toEqual([]);
  });

  it('ranks growth per class by bytes, deltas summing to the total delta', () => {
    const a = parseClassHistogram(jdk17);
    const b = parseClassHistogram(fixture('jdk25/class_histogram.txt'));
    const d = diffHistograms(a, b);
    expect(d.totalBytesDelta).toBe(7639488 - 7512560);
    expect(d.rows.reduce((s, r) => s + r.bytesDelta, 0)).toBe(d.totalBytesDelta);
    expect(d.rows.reduce((s, r) => s + r.instancesDelta, 0)).toBe(d.totalInstancesDelta);
    for (let i = 1; i < d.rows.length; i++) {
      expect(d.rows[i - 1].bytesDelta).toBeGreaterThanOrEqual(d.rows[i].bytesDelta);
    }
    const bytes = d.rows.find((r) => r.class === '[B');
    expect(bytes).toMatchObject({
      bytesBefore: 1952480,
      bytesAfter: 2007824,
      bytesDelta: 55344,
      module: 'java.base@25.0.3',
    });
    expect(d.rows.find((r) => r.class === 'java.lang.Long')?.bytesDelta).toBe(0);
  });

  it('is empty between a histogram and itself', () => {
    const a = parseClassHistogram(jdk17);
    const d = diffHistograms(a, a);
    expect(d.totalBytesDelta).toBe(0);
    expect(d.rows.every((r) => r.bytesDelta === 0 && r.instancesDelta === 0)).toBe(true);
  });

  it.each([
    ['a thread dump', fixture('jdk17/lock-jstack-l.txt')],
    ['an error line', 'Exception in thread "main" java.io.IOException: No such process'],
  ])('throws HistogramParseError for %s', (_what, text) => {
    expect(() => parseClassHistogram(text)).toThrow(HistogramParseError);
    expect(() => parseClassHistogram(text)).toThrow(/not a class histogram/);
  });
});
