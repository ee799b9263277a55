import { fitView, MAX_SCALE, panBy, scaleOf, zoomAt } from './view';

describe('fitView', () => {
  it.each([
    ['a map wider than the panel', { width: 4000, height: 1000 }, 1000, 500, (1000 - 24) / 4000],
    ['a map taller than the panel', { width: 500, height: 10_000 }, 1000, 500, (500 - 24) / 10_000],
    ['a small map stays at 1:1', { width: 200, height: 100 }, 1000, 500, 1],
  ])('%s', (_name, size, w, h, scale) => {
    const view = fitView(size, w, h);
    expect(scaleOf(view, w)).toBeCloseTo(scale);
    // Same aspect as the panel, and the map centred in it.
    expect(view.width / view.height).toBeCloseTo(w / h);
    expect(view.x + view.width / 2).toBeCloseTo(size.width / 2);
    expect(view.y + view.height / 2).toBeCloseTo(size.height / 2);
  });
});

describe('zoomAt', () => {
  const view = { x: 0, y: 0, width: 1000, height: 500 };

  it('keeps the layout point under the pointer in place', () => {
    const zoomed = zoomAt(view, 250, 100, 2, 1000);
    expect(scaleOf(zoomed, 1000)).toBe(2);
    // The layout point under pixel (250, 100) was (250, 100); it still is.
    expect(zoomed.x + 250 / 2).toBeCloseTo(250);
    expect(zoomed.y + 100 / 2).toBeCloseTo(100);
  });

  it('stops at the largest scale', () => {
    expect(scaleOf(zoomAt(view, 0, 0, 1000, 1000), 1000)).toBe(MAX_SCALE);
  });
});

it('panBy moves the map with the pointer', () => {
  const view = { x: 100, y: 100, width: 500, height: 250 };
  // Scale 2: a 40 px drag is 20 layout units.
  expect(panBy(view, 40, -20, 1000)).toEqual({ x: 80, y: 110, width: 500, height: 250 });
});
