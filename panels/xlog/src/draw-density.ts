import { cellAlpha, type DensityCells } from './density';
import type { Scale } from './scale';

/** Density cells as rectangles: opacity by count (log), errors over them in red by their share. */
export function drawDensity(
  ctx: CanvasRenderingContext2D,
  cells: DensityCells,
  x: Scale,
  y: Scale,
  plot: { left: number; top: number; right: number; bottom: number },
  okColor: string,
  errorColor: string
) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  ctx.clip();
  for (let i = 0; i < cells.count; i++) {
    const left = Math.floor(x.toPixel(cells.from[i]));
    const right = Math.max(left + 1, Math.floor(x.toPixel(cells.to[i])));
    const top = Math.floor(y.toPixel(cells.high[i]));
    const bottom = Math.max(top + 1, Math.floor(y.toPixel(cells.low[i])));
    const alpha = cellAlpha(cells.transactions[i], cells.max);
    ctx.globalAlpha = alpha;
    ctx.fillStyle = okColor;
    ctx.fillRect(left, top, right - left, bottom - top);
    if (cells.errors[i] > 0) {
      ctx.globalAlpha = alpha * Math.max(0.3, cells.errors[i] / cells.transactions[i]);
      ctx.fillStyle = errorColor;
      ctx.fillRect(left, top, right - left, bottom - top);
    }
  }
  ctx.restore();
}
