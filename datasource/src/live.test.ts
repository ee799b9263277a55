import { XLOG_DOT_COLUMNS, type Transaction } from '@osprey/model';

import { LIVE_MAX_FRAMES, LIVE_OVERLAP_MS, LiveWindow, MIN_OVERLAP_MS } from './live';
import { arrowWindow } from './testing/arrow-window';
import { textAt, windowToFrame } from './window-frame';

const tx = (endTime: number, spanId = `s${endTime}`, service = 'orders'): Transaction => ({
  endTime,
  elapsed: 1,
  service,
  instance: 'orders-1',
  endpoint: 'GET /',
  status: 'ok',
  traceId: 't',
  spanId,
  sqlCount: 0,
  sqlTime: 0,
  apiCallCount: 0,
  apiCallTime: 0,
  kind: 'web',
});

const ds = { uid: 'osprey', type: 'osprey-apm-datasource' };
const poll = (rows: Transaction[]) => windowToFrame('A', arrowWindow(rows, [...XLOG_DOT_COLUMNS, 'spanId']), ds);
const ends = (live: LiveWindow) =>
  live.data().flatMap((f) => Array.from(f.fields.find((x) => x.name === 'endTime')!.values as ArrayLike<number>));

describe('LiveWindow', () => {
  it('starts its cursor at the range start', () => {
    expect(new LiveWindow(10, 500).cursor()).toBe(500);
  });

  it('re-reads the overlap before the newest end time and keeps only rows it has not seen', () => {
    const live = new LiveWindow(100, 0);
    expect(live.add(poll([tx(20_000.4), tx(20_000.9)]))).toBe(2);
    expect(live.cursor()).toBe(20_000 - LIVE_OVERLAP_MS);
    // A transaction that ended before the newest one but arrived later is still picked up.
    expect(live.add(poll([tx(20_000.9), tx(19_000, 'late'), tx(21_000)]))).toBe(2);
    expect(ends(live)).toEqual([20_000.4, 20_000.9, 19_000, 21_000]);
    expect(live.data()).toHaveLength(2);
  });

  it('shrinks the overlap while rows arrive in order and widens it to twice a late arrival', () => {
    const live = new LiveWindow(1000, 0);
    live.add(poll([tx(100_000)]));
    for (let i = 1; i <= 10; i++) {
      live.add(poll([tx(100_000 + i * 2000)]));
    }
    const newest = 100_000 + 10 * 2000;
    expect(live.cursor()).toBe(newest - MIN_OVERLAP_MS);
    // 3 s late: the next polls re-read 6 s, and the rows still inside it are not taken twice.
    expect(live.add(poll([tx(newest - 3000, 'late'), tx(newest + 100)]))).toBe(2);
    expect(live.cursor()).toBe(newest + 100 - 6000);
    expect(live.add(poll([tx(newest - 3000, 'late'), tx(newest - 4000, 's118000'), tx(newest + 100)]))).toBe(0);
  });

  it('adds no frame for a poll with nothing new', () => {
    const live = new LiveWindow(100, 0);
    live.add(poll([tx(5)]));
    expect(live.add(poll([tx(5)]))).toBe(0);
    expect(live.data()).toHaveLength(1);
  });

  it('drops whole oldest frames beyond its bound', () => {
    const live = new LiveWindow(2, 0);
    live.add(poll([tx(1), tx(2)]));
    live.add(poll([tx(3)]));
    live.add(poll([tx(4)]));
    expect(ends(live)).toEqual([3, 4]);
  });

  it('joins poll frames beyond LIVE_MAX_FRAMES, the first frame kept as it is', () => {
    const live = new LiveWindow(1000, 0);
    const first = poll([tx(1), tx(2)]);
    live.add(first);
    for (let i = 0; i < LIVE_MAX_FRAMES; i++) {
      live.add(poll([tx(10 + i, `p${i}`, `svc-${i % 3}`)]));
    }
    expect(live.data()).toHaveLength(2);
    expect(live.data()[0].fields[0].values).toBe(first.fields[0].values);
    const joined = live.data()[1];
    const service = joined.fields.find((f) => f.name === 'service');
    expect(Array.from({ length: joined.length }, (_, i) => textAt(service, i))).toEqual(
      Array.from({ length: LIVE_MAX_FRAMES }, (_, i) => `svc-${i % 3}`)
    );
  });

  it('refuses a frame without span ids', () => {
    expect(() => new LiveWindow(10, 0).add(windowToFrame('A', arrowWindow([tx(1)], XLOG_DOT_COLUMNS), ds))).toThrow(
      'spanId'
    );
  });
});
