import type { GrafanaTheme2 } from '@grafana/data';

import { drawAxes, MARGIN } from './axes';
import type { DensityCells } from './density';
import { drawDensity } from './draw-density';
import { yScaleFor, type Layout } from './layout';
import type { Paint } from './paint';
import type { XlogColumns } from './points';
import { createRaster, rasterize, type Raster } from './render';
import { linearScale } from './scale';

/** The raster and the ImageData over its pixels, kept across draws of one plot size. */
export interface RasterHolder {
  raster: Raster;
  image?: ImageData;
}

/** Everything one draw of the canvas reads: the panel's data, options and size at that moment. */
export interface Scene {
  layout: Layout;
  /** CSS size of the whole canvas and its device pixel ratio. */
  width: number;
  height: number;
  dpr: number;
  cols?: XlogColumns;
  /** y values as the axis scale has them (log10 for a log axis). */
  transformed?: Float64Array;
  paint?: Paint;
  palette: Uint32Array;
  density?: DensityCells;
  colors: string[];
  yScale: 'log' | 'linear';
  dotSize: number;
  theme: GrafanaTheme2;
  timeZone: string;
}

/**
 * Draws the scene: dots through the rasteriser (one putImageData) or the density cells, then the
 * axes. Returns the raster holder to keep for the next draw and how many dots the canvas now shows.
 */
export function drawScene(
  canvas: HTMLCanvasElement,
  s: Scene,
  kept: RasterHolder | undefined
): { holder?: RasterHolder; dots: number } {
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return { holder: kept, dots: 0 };
  }
  const { layout, dpr } = s;
  const width = Math.round(s.width * dpr);
  const height = Math.round(s.height * dpr);
  // Assigning a size reallocates the canvas's backing store even when it is the same: live mode
  // redraws every frame, and a new window's first draw follows the empty panel's at the same size.
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  // The window drawn, for tests and debugging of live mode (where it ends now and moves on).
  canvas.dataset.windowEnd = String(Math.round(layout.x1));
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const plot = {
    left: Math.round(MARGIN.left * dpr),
    top: Math.round(MARGIN.top * dpr),
    right: Math.round((MARGIN.left + layout.width) * dpr),
    bottom: Math.round((MARGIN.top + layout.height) * dpr),
  };
  const w = plot.right - plot.left;
  const h = plot.bottom - plot.top;
  const xs = linearScale([layout.x0, layout.x1], [plot.left, plot.right]);
  const ys = yScaleFor(s.yScale, layout.yDomain, [plot.bottom, plot.top]);
  const { cols, transformed, paint } = s;
  let holder = kept;
  if (cols && transformed && paint && w > 0 && h > 0) {
    if (!holder || holder.raster.width !== w || holder.raster.height !== h) {
      holder = { raster: createRaster(w, h) };
    }
    const [d0, d1] = layout.yDomain;
    const log = s.yScale === 'log';
    rasterize(
      cols.x,
      transformed,
      paint.index,
      cols.count,
      s.palette,
      {
        width: w,
        height: h,
        x0: layout.x0,
        x1: layout.x1,
        t0: log ? Math.log10(d0) : d0,
        t1: log ? Math.log10(d1) : d1,
        dot: s.dotSize * dpr,
      },
      holder.raster
    );
    holder.image ??= new ImageData(new Uint8ClampedArray(holder.raster.pixels.buffer as ArrayBuffer), w, h);
    ctx.putImageData(holder.image, plot.left, plot.top);
  } else if (s.density) {
    drawDensity(ctx, s.density, xs, ys, plot, s.colors[0], s.theme.visualization.getColorByName('red'));
  }
  drawAxes(ctx, xs, ys, plot, dpr, s.timeZone, {
    axis: s.theme.colors.border.medium,
    text: s.theme.colors.text.secondary,
    font: `${Math.round(11 * dpr)}px ${s.theme.typography.fontFamily}`,
  });
  return { holder, dots: cols && transformed && paint ? cols.count : 0 };
}
