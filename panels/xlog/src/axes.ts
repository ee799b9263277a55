import { dateTimeFormat } from '@grafana/data';

import { formatMs, timeFormat, timeStep, type Scale } from './scale';

/** Plot margins in CSS pixels: room for y labels on the left and time labels below. */
export const MARGIN = { left: 56, right: 12, top: 8, bottom: 22 };

export interface AxisStyle {
  axis: string;
  text: string;
  font: string;
}

/**
 * Axis lines, y ticks with duration labels and clock-friendly time ticks. Scales map to device
 * pixels of the whole canvas; `plot` is the plot area in the same pixels.
 */
export function drawAxes(
  ctx: CanvasRenderingContext2D,
  x: Scale,
  y: Scale,
  plot: { left: number; top: number; right: number; bottom: number },
  dpr: number,
  timeZone: string,
  style: AxisStyle
) {
  const { left, top, right, bottom } = plot;
  ctx.font = style.font;
  ctx.fillStyle = style.text;
  ctx.strokeStyle = style.axis;
  const line = Math.max(1, Math.round(dpr));
  ctx.lineWidth = line;
  // Just outside the plot area, so the axis never covers a dot.
  ctx.beginPath();
  ctx.moveTo(left - line / 2, top);
  ctx.lineTo(left - line / 2, bottom + line / 2);
  ctx.lineTo(right, bottom + line / 2);
  ctx.stroke();

  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of y.ticks()) {
    const py = Math.round(y.toPixel(v));
    ctx.fillRect(left - line - 4 * dpr, py, 4 * dpr, 1);
    ctx.fillText(formatMs(v), left - 6 * dpr, py);
  }
  const [from, to] = x.domain;
  const step = timeStep(from, to, Math.max(2, Math.floor((right - left) / (90 * dpr))));
  const format = timeFormat(step);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const px = Math.round(x.toPixel(t));
    ctx.fillRect(px, bottom + line, 1, 4 * dpr);
    ctx.fillText(dateTimeFormat(t, { format, timeZone }), px, bottom + 6 * dpr);
  }
}
