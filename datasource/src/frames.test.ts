import { FieldType } from '@grafana/data';
import type { ActiveResponse } from '@osprey/model';

import { activeToFrame, densityToFrame, listToFrame } from './frames';

const values = (frame: { fields: Array<{ name: string; values: unknown[] }> }) =>
  Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));

describe('densityToFrame', () => {
  const frame = densityToFrame('A', {
    from: 1000,
    to: 5000,
    timeStep: 1000,
    elapsedEdges: [0, 10, 100, 1000],
    cells: [
      { t: 0, e: 1, count: 5, errors: 1 },
      { t: 3, e: 2, count: 2, errors: 0 },
    ],
    total: 7,
  });

  it('is marked as density for the XLOG panel, with the grid in meta', () => {
    expect(frame.name).toBe('transactions-density');
    expect(frame.meta?.custom).toEqual({ density: true, timeStep: 1000, elapsedEdges: [0, 10, 100, 1000], total: 7 });
  });

  it('has one row per non-empty cell with its time span and elapsed band', () => {
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['time', FieldType.time],
      ['timeEnd', FieldType.time],
      ['elapsedLow', FieldType.number],
      ['elapsedHigh', FieldType.number],
      ['count', FieldType.number],
      ['errors', FieldType.number],
    ]);
    expect(values(frame)).toEqual({
      time: [1000, 4000],
      timeEnd: [2000, 5000],
      elapsedLow: [10, 100],
      elapsedHigh: [100, 1000],
      count: [5, 2],
      errors: [1, 0],
    });
  });
});

describe('activeToFrame', () => {
  const res: ActiveResponse = {
    thresholds: { slow: 3000, verySlow: 8000 },
    instances: [
      {
        service: 'orders',
        instance: 'orders-1',
        takenAt: 1000,
        requests: [
          { endpoint: 'GET /a', elapsed: 100 },
          { endpoint: 'GET /b', elapsed: 9000 },
        ],
        source: 'snapshot',
        buckets: { fast: 1, slow: 0, verySlow: 1, unknownAge: 0 },
      },
      {
        service: 'orders',
        instance: 'orders-2',
        takenAt: 900,
        requests: [],
        source: 'metric',
        buckets: { fast: 0, slow: 0, verySlow: 0, unknownAge: 3 },
      },
    ],
  };

  it('gives one row per instance with its equalizer buckets and source', () => {
    const frame = activeToFrame('E', res);
    expect(frame.name).toBe('active');
    expect(frame.meta?.custom).toEqual({ thresholds: { slow: 3000, verySlow: 8000 } });
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['takenAt', FieldType.time],
      ['service', FieldType.string],
      ['instance', FieldType.string],
      ['source', FieldType.string],
      ['fast', FieldType.number],
      ['slow', FieldType.number],
      ['verySlow', FieldType.number],
      ['unknownAge', FieldType.number],
      ['total', FieldType.number],
    ]);
    expect(values(frame)).toEqual({
      takenAt: [1000, 900],
      service: ['orders', 'orders'],
      instance: ['orders-1', 'orders-2'],
      source: ['snapshot', 'metric'],
      fast: [1, 0],
      slow: [0, 0],
      verySlow: [1, 0],
      unknownAge: [0, 3],
      total: [2, 3],
    });
  });
});

describe('listToFrame', () => {
  it.each([
    ['services', 'service'],
    ['instances', 'instance'],
    ['endpoints', 'endpoint'],
  ] as const)('%s → one %s column', (type, field) => {
    const frame = listToFrame('L', type, ['a', 'b']);
    expect(frame.name).toBe(type);
    expect(frame.fields.map((f) => [f.name, f.type, f.values])).toEqual([[field, FieldType.string, ['a', 'b']]]);
  });
});
