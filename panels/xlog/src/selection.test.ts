import { linearScale, logScale } from './scale';
import { boxBetween, boxToData, selectInBox, slowestFirst } from './selection';

describe('boxBetween', () => {
  it.each([
    [
      { x: 10, y: 20 },
      { x: 30, y: 5 },
      { left: 10, right: 30, top: 5, bottom: 20 },
    ],
    [
      { x: -5, y: 50 },
      { x: 500, y: -1 },
      { left: 0, right: 200, top: 0, bottom: 50 },
    ],
  ])('%p → %p is %p within a 200×100 plot', (a, b, box) => {
    expect(boxBetween(a, b, 200, 100)).toEqual(box);
  });
});

describe('boxToData', () => {
  const x = linearScale([1000, 3000], [0, 200]);
  const y = logScale([1, 1000], [300, 0]);
  it.each([
    ['inside', { left: 50, right: 100, top: 100, bottom: 200 }, { from: 1500, to: 2000, low: 10, high: 100 }],
    [
      'touching the top: past the y max',
      { left: 0, right: 200, top: 0, bottom: 100 },
      { from: 1000, to: 3000, low: 100, high: Infinity },
    ],
    [
      'touching the bottom: down to zero',
      { left: 0, right: 10, top: 200, bottom: 300 },
      { from: 1000, to: 1100, low: -Infinity, high: 10 },
    ],
  ])('%s', (_case, box, data) => {
    const got = boxToData(box, x, y, 300);
    expect(got.from).toBeCloseTo(data.from, 6);
    expect(got.to).toBeCloseTo(data.to, 6);
    expect(got.low).toBeCloseTo(data.low, 6);
    expect(got.high).toBeCloseTo(data.high, 6);
  });
});

describe('selectInBox', () => {
  const xs = Float64Array.from([100, 200, 300, 400, 500]);
  const ys = Float64Array.from([10, 20, NaN, 40, 50]);
  it.each([
    ['all', { from: 0, to: 1000, low: -Infinity, high: Infinity }, [0, 1, 3, 4]],
    ['edges inclusive', { from: 200, to: 400, low: 20, high: 40 }, [1, 3]],
    ['by y only', { from: 0, to: 1000, low: 30, high: Infinity }, [3, 4]],
    ['none', { from: 600, to: 700, low: 0, high: 100 }, []],
    ['only the first count dots', { from: 0, to: 450, low: 0, high: 100 }, [0, 1, 3]],
  ])('%s', (_case, box, want) => {
    expect(Array.from(selectInBox(xs, ys, 5, box))).toEqual(want);
  });
  it('reads only count dots', () => {
    expect(Array.from(selectInBox(xs, ys, 2, { from: 0, to: 1000, low: 0, high: 100 }))).toEqual([0, 1]);
  });
});

describe('slowestFirst', () => {
  it('orders by y descending, ties by index, and cuts at the limit', () => {
    const y = Float64Array.from([5, 50, 7, 50, 1]);
    expect(Array.from(slowestFirst(Uint32Array.from([0, 1, 2, 3, 4]), y, 3))).toEqual([1, 3, 2]);
    expect(Array.from(slowestFirst(Uint32Array.from([4, 0]), y, 10))).toEqual([0, 4]);
  });
});
