import { dateTimeFormat } from '@grafana/data';

import type { DensityCells } from './density';
import type { Layout } from './layout';
import type { XlogColumns } from './points';
import { hitTest, type Raster } from './render';
import { formatMs } from './scale';
import type { YField } from './types';

/** What the canvas shows now: hover reads the hit grid of exactly these columns. */
export interface Drawn {
  layout: Layout;
  cols?: XlogColumns;
  raster?: Raster;
}

export interface Hover {
  left: number;
  top: number;
  lines: string[];
}

export const tooltipStyle = (h: Hover, plotWidth: number) =>
  h.left > plotWidth / 2 ? { right: plotWidth - h.left + 12, top: h.top + 12 } : { left: h.left + 12, top: h.top + 12 };

/** What is under the pointer: the dot drawn there (from the hit grid) or the density cell. */
export function describeHover(
  p: { x: number; y: number },
  drawn: Drawn,
  yField: YField,
  density: DensityCells | undefined,
  dpr: number,
  dotSize: number,
  timeZone: string
): Hover | undefined {
  const { layout, cols, raster } = drawn;
  const time = (t: number) => dateTimeFormat(t, { timeZone, format: 'YYYY-MM-DD HH:mm:ss.SSS' });
  if (cols && raster) {
    const i = hitTest(raster, p.x * dpr, p.y * dpr, Math.ceil((dotSize * dpr) / 2) + 2);
    if (i < 0) {
      return undefined;
    }
    const frame = cols.frames[cols.frame[i]];
    const at = (name: string) => frame.fields.find((f) => f.name === name)?.values[cols.row[i]];
    const y = cols.y[yField]?.[i] ?? NaN;
    const http = at('httpStatus');
    return {
      left: p.x,
      top: p.y,
      lines: [
        time(cols.x[i]),
        `${cols.services[cols.service[i]]} ${at('endpoint') ?? ''}`,
        `elapsed ${formatMs(cols.elapsed[i])}`,
        ...(yField !== 'elapsed' && !Number.isNaN(y) ? [`${yField} ${formatMs(y)}`] : []),
        `${cols.error[i] ? 'error' : 'ok'}${http ? ` (HTTP ${http})` : ''}`,
      ],
    };
  }
  if (!density) {
    return undefined;
  }
  const t = layout.xCss.fromPixel(p.x);
  const v = layout.yCss.fromPixel(p.y);
  for (let i = 0; i < density.count; i++) {
    if (t >= density.from[i] && t < density.to[i] && v >= density.low[i] && v < density.high[i]) {
      return {
        left: p.x,
        top: p.y,
        lines: [
          `${time(density.from[i])} – ${time(density.to[i])}`,
          `elapsed ${formatMs(density.low[i])} – ${formatMs(density.high[i])}`,
          `${density.transactions[i]} transactions, ${density.errors[i]} errors`,
        ],
      };
    }
  }
  return undefined;
}
