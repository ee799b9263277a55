import { createRaster, hitTest, packRgba, rasterize, transformY, type RasterView } from './render';

const OK = packRgba(0, 0, 255);
const ERR = packRgba(255, 0, 0);
const palette = new Uint32Array([0, OK, ERR]);
const view: RasterView = { width: 10, height: 10, x0: 0, x1: 10, t0: 0, t1: 10, dot: 1 };

function draw(xs: number[], ys: number[], paint: number[], v: Partial<RasterView> = {}) {
  const full = { ...view, ...v };
  const raster = createRaster(full.width, full.height);
  const inside = rasterize(
    Float64Array.from(xs),
    Float64Array.from(ys),
    Uint16Array.from(paint),
    xs.length,
    palette,
    full,
    raster
  );
  const at = (x: number, y: number) => raster.pixels[y * full.width + x];
  const colored = (c: number) => raster.pixels.filter((p) => p === c).length;
  return { raster, inside, at, colored };
}

describe('packRgba', () => {
  it('packs bytes the way a little-endian RGBA buffer stores them', () => {
    expect(packRgba(0x11, 0x22, 0x33, 0x44)).toBe(0x44332211);
    expect(packRgba(255, 255, 255)).toBe(0xffffffff);
  });
});

describe('transformY', () => {
  it('takes log10 for a log axis, keeps values for a linear one', () => {
    const v = Float64Array.from([100, 0, NaN, 1]);
    expect(Array.from(transformY(v, 4, 'log'))).toEqual([2, -Infinity, NaN, 0]);
    expect(transformY(v, 4, 'linear')).toBe(v);
  });
});

describe('rasterize', () => {
  it.each([
    ['left, bottom edge', 0, 0, 0, 9],
    ['middle', 5, 5, 5, 5],
    ['just below the top', 2.5, 9.5, 2, 0],
    ['above the domain: pinned to the top edge', 3, 50, 3, 0],
    ['below the domain: pinned to the bottom edge', 4, -Infinity, 4, 9],
  ])('%s: (%p, %p) lands on pixel (%p, %p)', (_case, x, y, px, py) => {
    const { at, colored, inside } = draw([x], [y], [1]);
    expect(inside).toBe(1);
    expect(at(px, py)).toBe(OK);
    expect(colored(OK)).toBe(1);
  });

  it.each([
    ['before the range', -1, 5],
    ['at the range end', 10, 5],
    ['no y value', 5, NaN],
  ])('skips a dot %s', (_case, x, y) => {
    const { inside, colored } = draw([x], [y], [1]);
    expect(inside).toBe(0);
    expect(colored(0)).toBe(100);
  });

  it('skips paint 0', () => {
    expect(draw([5], [5], [0]).colored(OK)).toBe(0);
  });

  it('grows a dot into a square of the dot size, clipped at the edges', () => {
    expect(draw([5], [5], [1], { dot: 3 }).colored(OK)).toBe(9);
    expect(draw([0], [0], [1], { dot: 3 }).colored(OK)).toBe(4);
    expect(draw([5], [5], [1], { dot: 4 }).colored(OK)).toBe(16);
  });

  it('lets the higher paint win a shared pixel whatever the order', () => {
    for (const order of [
      [1, 2],
      [2, 1],
    ]) {
      const { at, colored } = draw([5, 5.2], [5.5, 5.6], order, { dot: 3 });
      expect(at(5, 4)).toBe(ERR);
      expect(colored(ERR)).toBe(9);
      expect(colored(OK)).toBe(0);
    }
  });

  it('draws an overlapping error square whole over an ok one', () => {
    const { colored } = draw([5, 6], [5, 5], [2, 1], { dot: 3 });
    expect(colored(ERR)).toBe(9);
    expect(colored(OK)).toBe(3);
  });

  it('clears what the previous frame drew', () => {
    const raster = createRaster(10, 10);
    const x = Float64Array.from([1]);
    const y = Float64Array.from([1]);
    rasterize(x, y, Uint16Array.from([1]), 1, palette, view, raster);
    rasterize(x, y, Uint16Array.from([1]), 1, palette, { ...view, x0: 5, x1: 15 }, raster);
    expect(raster.pixels.filter((p) => p !== 0).length).toBe(0);
  });

  it('renders 1,000,000 dots into a bounded buffer, counting those in range', () => {
    const n = 1_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    // A fixed xorshift sequence: spread like real traffic, the same on every run.
    let seed = 2463534242;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    for (let i = 0; i < n; i++) {
      x[i] = next() * 20_000;
      y[i] = next() * 1000;
    }
    const raster = createRaster(400, 200);
    const inside = rasterize(
      x,
      y,
      new Uint16Array(n).fill(1),
      n,
      palette,
      {
        width: 400,
        height: 200,
        x0: 0,
        x1: 10_000,
        t0: 0,
        t1: 1000,
        dot: 2,
      },
      raster
    );
    expect(inside).toBe(x.filter((v) => v < 10_000).length);
    expect(raster.pixels.filter((p) => p === OK).length).toBeGreaterThan(0.9 * 400 * 200);
  });
});

describe('hitTest', () => {
  it.each([
    ['on the dot', 5, 5, 2, 0],
    ['next to it', 6, 6, 2, 0],
    ['nearer the second dot', 8, 5, 2, 1],
    ['too far', 2, 2, 1, -1],
  ])('%s', (_case, px, py, radius, want) => {
    const { raster } = draw([5, 8], [4.5, 4.5], [1, 1]);
    expect(hitTest(raster, px, py, radius)).toBe(want);
  });

  it('finds the dot drawn on top where two share a pixel', () => {
    const { raster } = draw([5, 5.1], [5.5, 5.6], [2, 1]);
    expect(hitTest(raster, 5, 4, 0)).toBe(0);
  });
});
