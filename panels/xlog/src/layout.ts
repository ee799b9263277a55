import { linearDomain, linearScale, logDomain, logScale, type Scale } from './scale';
import type { DataBox, PixelBox } from './selection';

/** The plot's geometry for one draw: CSS size of the plot area and the scales in both pixel spaces. */
export interface Layout {
  width: number;
  height: number;
  x0: number;
  x1: number;
  yDomain: [number, number];
  xCss: Scale;
  yCss: Scale;
}

export function yScaleFor(kind: 'log' | 'linear', domain: [number, number], range: [number, number]): Scale {
  return kind === 'log' ? logScale(domain, range) : linearScale(domain, range);
}

/** y domain: fitted to the values, or up to the y max option (dots above it sit on the top edge). */
export function yDomainFor(
  values: ArrayLike<number>,
  count: number,
  kind: 'log' | 'linear',
  yMax: number
): [number, number] {
  if (kind === 'linear') {
    return yMax > 0 ? [0, yMax] : linearDomain(values, count);
  }
  const fitted = logDomain(values, count);
  if (!(yMax > 0)) {
    return fitted;
  }
  return [Math.min(fitted[0], yMax / 10), yMax];
}

export function pixelBoxOf(box: DataBox, layout: Layout): PixelBox {
  const clipY = (v: number) => Math.min(Math.max(v, 0), layout.height);
  return {
    left: Math.max(0, layout.xCss.toPixel(box.from)),
    right: Math.min(layout.width, layout.xCss.toPixel(box.to)),
    top: Number.isFinite(box.high) ? clipY(layout.yCss.toPixel(box.high)) : 0,
    bottom: Number.isFinite(box.low) ? clipY(layout.yCss.toPixel(box.low)) : layout.height,
  };
}

export const rectStyle = (b: PixelBox) => ({
  left: b.left,
  top: b.top,
  width: b.right - b.left,
  height: b.bottom - b.top,
});
