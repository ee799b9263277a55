import type { Scale } from './scale';

/** A dragged rectangle in CSS pixels, relative to the plot area's top-left corner. */
export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The data a box covers: end time [from, to] in epoch ms and y [low, high] in ms, both inclusive. */
export interface DataBox {
  from: number;
  to: number;
  low: number;
  high: number;
}

/** The box between two pointer positions, clipped to a plot of `width` × `height`. */
export function boxBetween(
  a: { x: number; y: number },
  b: { x: number; y: number },
  width: number,
  height: number
): PixelBox {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return {
    left: clip(Math.min(a.x, b.x), width),
    right: clip(Math.max(a.x, b.x), width),
    top: clip(Math.min(a.y, b.y), height),
    bottom: clip(Math.max(a.y, b.y), height),
  };
}

/**
 * Pixels → data through the plot's scales (ranges in the same CSS pixels as the box). A box touching
 * the top or bottom edge reaches past the axis, because dots beyond the y range are pinned there.
 */
export function boxToData(box: PixelBox, x: Scale, y: Scale, height: number): DataBox {
  return {
    from: x.fromPixel(box.left),
    to: x.fromPixel(box.right),
    low: box.bottom >= height - 0.5 ? -Infinity : y.fromPixel(box.bottom),
    high: box.top <= 0.5 ? Infinity : y.fromPixel(box.top),
  };
}

/** Indexes of the dots inside `box`; dots without a y value are never inside. */
export function selectInBox(x: Float64Array, y: Float64Array, count: number, box: DataBox): Uint32Array {
  const { from, to, low, high } = box;
  let n = 0;
  const found = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const t = x[i];
    const v = y[i];
    if (t >= from && t <= to && v >= low && v <= high) {
      found[n++] = i;
    }
  }
  return found.slice(0, n);
}

/** The `limit` dots with the largest y first: a box's slowest transactions are the ones worth a row. */
export function slowestFirst(indexes: Uint32Array, y: Float64Array, limit: number): Uint32Array {
  const sorted = Array.from(indexes).sort((a, b) => y[b] - y[a] || a - b);
  return Uint32Array.from(sorted.slice(0, limit));
}
