import type { Transaction } from '@osprey/model';

import { LiveBuffer } from './live';

const tx = (endTime: number, spanId = `s${endTime}`): Transaction => ({
  endTime,
  elapsed: 1,
  service: 'orders',
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

describe('LiveBuffer', () => {
  it('starts its cursor at the range start', () => {
    expect(new LiveBuffer(10, 500).cursor()).toBe(500);
  });

  it('counts only new rows and de-duplicates the overlap of two polls', () => {
    const buffer = new LiveBuffer(10, 0);
    expect(buffer.add([tx(1000.4), tx(1000.9)])).toBe(2);
    expect(buffer.cursor()).toBe(1000);
    // The next poll starts at the whole millisecond, so it sees 1000.9 again.
    expect(buffer.add([tx(1000.9), tx(1200)])).toBe(1);
    expect(buffer.transactions().map((t) => t.endTime)).toEqual([1000.4, 1000.9, 1200]);
    expect(buffer.cursor()).toBe(1200);
  });

  it('keeps the same span of two traces apart', () => {
    const buffer = new LiveBuffer(10, 0);
    buffer.add([
      { ...tx(1, 'a'), traceId: 'x' },
      { ...tx(1, 'a'), traceId: 'y' },
    ]);
    expect(buffer.transactions()).toHaveLength(2);
  });

  it('drops the oldest rows beyond its bound but keeps the cursor', () => {
    const buffer = new LiveBuffer(2, 0);
    buffer.add([tx(3), tx(1), tx(2)]);
    expect(buffer.transactions().map((t) => t.endTime)).toEqual([2, 3]);
    expect(buffer.cursor()).toBe(3);
  });
});
