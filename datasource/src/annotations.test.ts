import { createDataFrame, FieldType } from '@grafana/data';
import type { Transaction } from '@osprey/model';

import { BURST_GAP_MS, clusterInstants, errorBurstEvents } from './annotations';
import { redToFrames } from './red-frames';
import { arrowWindow } from './testing/arrow-window';
import { windowToFrame } from './window-frame';

describe('clusterInstants', () => {
  it.each([
    ['nothing', [], 10, []],
    ['one', [5], 10, [{ time: 5, timeEnd: 5, count: 1 }]],
    ['close ones merge, unsorted input', [20, 0, 10], 10, [{ time: 0, timeEnd: 20, count: 3 }]],
    [
      'a gap splits',
      [0, 10, 21],
      10,
      [
        { time: 0, timeEnd: 10, count: 2 },
        { time: 21, timeEnd: 21, count: 1 },
      ],
    ],
  ])('%s', (_name, times, gap, bursts) => {
    expect(clusterInstants(times, gap)).toEqual(bursts);
  });
});

const tx = (endTime: number, service: string, status: 'ok' | 'error'): Transaction => ({
  endTime,
  elapsed: 1,
  service,
  instance: `${service}-1`,
  endpoint: 'GET /',
  status,
  traceId: `t${endTime}${service}`,
  spanId: 's',
  sqlCount: 0,
  sqlTime: 0,
  apiCallCount: 0,
  apiCallTime: 0,
  kind: 'web',
});

describe('errorBurstEvents', () => {
  const ds = { uid: 'osprey', type: 'osprey-apm-datasource' };

  it('clusters the error rows of an XLOG frame per service into regions', () => {
    const frame = windowToFrame(
      'A',
      arrowWindow([
        tx(1000, 'orders', 'error'),
        tx(2000, 'orders', 'ok'),
        tx(5000, 'orders', 'error'),
        tx(5000 + BURST_GAP_MS + 1, 'orders', 'error'),
        tx(3000, 'payments', 'error'),
      ]),
      ds
    );
    const events = errorBurstEvents([frame]);
    expect(events.map((e) => [e.title, e.time, e.timeEnd, e.isRegion, e.text])).toEqual([
      ['Errors in orders', 1000, 5000, true, '2 failed transaction(s)'],
      ['Errors in orders', 5000 + BURST_GAP_MS + 1, 5000 + BURST_GAP_MS + 1, false, '1 failed transaction(s)'],
      ['Errors in payments', 3000, 3000, false, '1 failed transaction(s)'],
    ]);
    expect(events[0].tags).toEqual(['errors', 'orders']);
  });

  it('turns consecutive RED steps with errors into one region ending with the last step', () => {
    const point = (time: number, errorRatio: number) => ({
      time,
      count: 10,
      rate: 1,
      errors: errorRatio * 10,
      errorRatio,
      p50: 1,
      p90: 1,
      p95: 1,
      p99: 1,
    });
    const frames = redToFrames(
      'A',
      {
        step: 1000,
        tier: 'raw',
        series: [{ service: 'orders', points: [point(0, 0.1), point(1000, 0.3), point(2000, 0), point(4000, 0.2)] }],
      },
      { from: 0, to: 5000 }
    );
    expect(errorBurstEvents(frames).map((e) => [e.time, e.timeEnd, e.text])).toEqual([
      [0, 2000, 'orders: up to 30.0 % errors'],
      [4000, 5000, 'orders: up to 20.0 % errors'],
    ]);
  });

  it('ignores frames that carry no errors', () => {
    const other = createDataFrame({ name: 'x', fields: [{ name: 'v', type: FieldType.number, values: [1] }] });
    expect(errorBurstEvents([other])).toEqual([]);
  });
});
