import { capacityRows } from './capacity';

describe("capacityRows (Little's law)", () => {
  it.each([
    // requests over 60 s, mean ms, limit → λ, L, max λ, utilisation
    [1200, 250, 200, 20, 5, 800, 2.5],
    [600, 1000, 10, 10, 10, 10, 100],
    [30, 40, 200, 0.5, 0.02, 5000, 0.01],
  ])('%d requests of %d ms at limit %d: λ %d/s, L %d, max %d/s, %d %%', (requests, ms, limit, lambda, l, max, util) => {
    const [row] = capacityRows([{ service: 's', instance: 'i', requests, meanElapsedMs: ms }], [], 60, limit);
    expect(row.throughput).toBeCloseTo(lambda, 9);
    expect(row.concurrency).toBeCloseTo(l, 9);
    expect(row.maxThroughput).toBeCloseTo(max, 9);
    expect(row.utilisationPercent).toBeCloseTo(util, 9);
    expect(row.measuredConcurrency).toBeUndefined();
  });

  it('projects nothing for instantaneous requests', () => {
    const [row] = capacityRows([{ service: 's', instance: 'i', requests: 5, meanElapsedMs: 0 }], [], 1, 10);
    expect([row.concurrency, row.maxThroughput, row.utilisationPercent]).toEqual([0, null, null]);
  });

  it('puts the equalizer’s in-flight count of the same instance beside it', () => {
    const snapshot = {
      service: 's',
      instance: 'i',
      takenAt: 0,
      requests: [{ endpoint: 'e', elapsed: 1 }],
      source: 'snapshot' as const,
      buckets: { fast: 1, slow: 0, verySlow: 0, unknownAge: 0 },
    };
    const metric = { ...snapshot, instance: 'j', requests: [], source: 'metric' as const };
    const rows = capacityRows(
      [
        { service: 's', instance: 'i', requests: 10, meanElapsedMs: 10 },
        { service: 's', instance: 'j', requests: 10, meanElapsedMs: 10 },
      ],
      [snapshot, { ...snapshot, service: 't' }, { ...metric, buckets: { ...metric.buckets, fast: 0, unknownAge: 4 } }],
      1,
      5
    );
    expect(rows.map((r) => r.measuredConcurrency)).toEqual([1, 4]);
  });
});
