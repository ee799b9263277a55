import { jvmInstances } from './jvm-rows';

const at = (service: string, instance: string, takenAt: number) => ({ service, instance, taken_at: takenAt });

describe('jvmInstances', () => {
  it.each([
    ['nothing stored', [], [], []],
    [
      'a JVM with only dumps, one with only histograms, one with both',
      [at('billing', 'b-1', 10), at('shop', 's-1', 30)],
      [at('shop', 's-1', 40), at('auth', 'a-1', 20)],
      [
        { service: 'auth', instance: 'a-1', lastHeapHistogramAt: 20 },
        { service: 'billing', instance: 'b-1', lastThreadDumpAt: 10 },
        { service: 'shop', instance: 's-1', lastThreadDumpAt: 30, lastHeapHistogramAt: 40 },
      ],
    ],
    [
      'by service, then instance, instances of the same name in two services apart',
      [at('b', 'x', 1), at('a', 'y', 2), at('a', 'x', 3)],
      [at('b', 'y', 4)],
      [
        { service: 'a', instance: 'x', lastThreadDumpAt: 3 },
        { service: 'a', instance: 'y', lastThreadDumpAt: 2 },
        { service: 'b', instance: 'x', lastThreadDumpAt: 1 },
        { service: 'b', instance: 'y', lastHeapHistogramAt: 4 },
      ],
    ],
    [
      'ClickHouse answers numbers of a JSON row as text',
      [{ service: 's', instance: 'i', taken_at: '1763800000000.5' }],
      [],
      [{ service: 's', instance: 'i', lastThreadDumpAt: 1763800000000.5 }],
    ],
  ])('%s', (_, dumps, histograms, expected) => {
    expect(jvmInstances(dumps, histograms)).toEqual(expected);
  });
});
