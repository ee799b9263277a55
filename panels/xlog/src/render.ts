/**
 * The XLOG rasteriser: a million dots straight into a 32-bit pixel buffer, no canvas call per dot.
 *
 * Pass 1 puts each dot's centre into a grid of device pixels, keeping the highest paint index (errors
 * above slow above ok) and which dot won (for hover). Pass 2 grows every marked pixel into a dot
 * square, again letting the higher paint win. Both passes cost at most one step per dot plus one per
 * covered pixel, so time grows with dots + pixels, not dots × dot area in canvas calls.
 */

/** How the plot maps data to the raster. y values arrive already transformed (see `transformY`). */
export interface RasterView {
  /** Plot area in device pixels. */
  width: number;
  height: number;
  /** Time domain, epoch ms, left to right. */
  x0: number;
  x1: number;
  /** Transformed y domain, bottom to top; values outside are pinned to the nearer edge. */
  t0: number;
  t1: number;
  /** Dot side in device pixels. */
  dot: number;
}

/** Reusable buffers for one plot size, so panning allocates nothing per frame. */
export interface Raster {
  width: number;
  height: number;
  /** RGBA bytes as little-endian 32-bit words (0xAABBGGRR), ready for an ImageData. */
  pixels: Uint32Array;
  /** Pass 1: winning paint index per pixel (0 = no dot). */
  grid: Uint16Array;
  /** Index of the dot whose centre won each pixel, -1 for none: hover reads it. */
  hit: Int32Array;
  /** Pass 2: paint index already drawn per pixel. */
  cover: Uint16Array;
}

export function createRaster(width: number, height: number): Raster {
  const size = Math.max(0, width * height);
  return {
    width,
    height,
    pixels: new Uint32Array(size),
    grid: new Uint16Array(size),
    hit: new Int32Array(size),
    cover: new Uint16Array(size),
  };
}

/** log10 for a log axis (non-positive values become -Infinity and sit on the bottom edge); NaN stays NaN. */
export function transformY(values: Float64Array, count: number, scale: 'log' | 'linear'): Float64Array {
  if (scale === 'linear') {
    return values;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Math.log10(values[i]);
  }
  return out;
}

/** A CSS colour's bytes as the 32-bit word a little-endian RGBA buffer holds. */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/**
 * Draws `count` dots into `raster`; `palette[paint[i]]` is dot i's colour and paint 0 hides a dot.
 * Returns how many dots fell inside the plot's time range.
 */
export function rasterize(
  x: Float64Array,
  ty: Float64Array,
  paint: Uint16Array,
  count: number,
  palette: Uint32Array,
  view: RasterView,
  raster: Raster
): number {
  const { width: w, height: h, grid, hit, cover, pixels } = raster;
  grid.fill(0);
  hit.fill(-1);
  pixels.fill(0);
  if (w <= 0 || h <= 0 || !(view.x1 > view.x0)) {
    return 0;
  }
  const kx = w / (view.x1 - view.x0);
  const ky = view.t1 > view.t0 ? h / (view.t1 - view.t0) : 0;
  const { x0, t1 } = view;
  const maxRow = h - 1;
  let inside = 0;
  let marked = 0;
  for (let i = 0; i < count; i++) {
    const p = paint[i];
    const fx = (x[i] - x0) * kx;
    const v = ty[i];
    if (p === 0 || !(fx >= 0 && fx < w) || v !== v) {
      continue;
    }
    inside++;
    let fy = (t1 - v) * ky;
    fy = fy < 0 ? 0 : fy > maxRow ? maxRow : fy;
    const at = (fy | 0) * w + (fx | 0);
    const was = grid[at];
    if (p >= was) {
      if (was === 0) {
        marked++;
      }
      grid[at] = p;
      hit[at] = i;
    }
  }
  if (marked === 0) {
    return inside;
  }
  const size = Math.max(1, Math.round(view.dot));
  if (size === 1) {
    for (let at = 0; at < grid.length; at++) {
      const p = grid[at];
      if (p !== 0) {
        pixels[at] = palette[p];
      }
    }
    return inside;
  }
  cover.fill(0);
  const half = size >> 1;
  for (let at = 0; at < grid.length; at++) {
    const p = grid[at];
    if (p === 0) {
      continue;
    }
    const color = palette[p];
    const cy = (at / w) | 0;
    const cx = at - cy * w;
    const xa = cx - half < 0 ? 0 : cx - half;
    const xb = cx - half + size > w ? w : cx - half + size;
    const ya = cy - half < 0 ? 0 : cy - half;
    const yb = cy - half + size > h ? h : cy - half + size;
    for (let py = ya; py < yb; py++) {
      const rowStart = py * w;
      for (let j = rowStart + xa, end = rowStart + xb; j < end; j++) {
        if (p >= cover[j]) {
          cover[j] = p;
          pixels[j] = color;
        }
      }
    }
  }
  return inside;
}

/**
 * The dot drawn nearest to device pixel (px, py) within `radius` pixels, by its centre; -1 if none.
 * Reads the hit grid of the last `rasterize`, so hovering costs a few pixels, not a scan of the dots.
 */
export function hitTest(raster: Raster, px: number, py: number, radius: number): number {
  const { width: w, height: h, hit } = raster;
  const cx = Math.round(px);
  const cy = Math.round(py);
  let best = -1;
  let bestDistance = Infinity;
  for (let y = Math.max(0, cy - radius); y <= Math.min(h - 1, cy + radius); y++) {
    for (let x = Math.max(0, cx - radius); x <= Math.min(w - 1, cx + radius); x++) {
      const i = hit[y * w + x];
      if (i < 0) {
        continue;
      }
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
  }
  return best;
}
