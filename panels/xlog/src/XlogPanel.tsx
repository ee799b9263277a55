import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { useEffect, useMemo, useRef } from 'react';

import { framePoints, type XlogPoints } from './points';
import { formatMs, linearDomain, linearScale, logDomain, logScale, timeFormat, timeStep, type Scale } from './scale';
import { DEFAULT_OPTIONS, type XlogOptions } from './types';

/** Plot margins in CSS pixels: room for y labels on the left and time labels below. */
const MARGIN = { left: 56, right: 12, top: 8, bottom: 22 };
const LEGEND_HEIGHT = 22;

interface DrawStyle {
  ok: string;
  error: string;
  axis: string;
  text: string;
  font: string;
}

interface Frame {
  width: number;
  height: number;
  dpr: number;
  from: number;
  to: number;
  timeZone: string;
}

/** Draws axes, then ok dots, then error dots on top; dots are integer device-pixel squares. */
function drawXlog(ctx: CanvasRenderingContext2D, pts: XlogPoints, opts: XlogOptions, f: Frame, style: DrawStyle) {
  const { dpr } = f;
  const left = MARGIN.left * dpr;
  const right = (f.width - MARGIN.right) * dpr;
  const top = MARGIN.top * dpr;
  const bottom = (f.height - MARGIN.bottom) * dpr;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);

  const xScale = linearScale([f.from, f.to], [left, right]);
  const yScale: Scale =
    opts.yScale === 'linear'
      ? linearScale(linearDomain(pts.y, pts.count), [bottom, top])
      : logScale(logDomain(pts.y, pts.count), [bottom, top]);

  ctx.font = style.font;
  ctx.fillStyle = style.text;
  ctx.strokeStyle = style.axis;
  ctx.lineWidth = Math.max(1, Math.round(dpr));
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(right, bottom);
  ctx.stroke();

  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of yScale.ticks()) {
    const y = Math.round(yScale.toPixel(v));
    ctx.fillRect(left - 4 * dpr, y, 4 * dpr, 1);
    ctx.fillText(formatMs(v), left - 6 * dpr, y);
  }
  const step = timeStep(f.from, f.to, Math.max(2, Math.floor((right - left) / (90 * dpr))));
  const format = timeFormat(step);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let t = Math.ceil(f.from / step) * step; t <= f.to; t += step) {
    const x = Math.round(xScale.toPixel(t));
    ctx.fillRect(x, bottom, 1, 4 * dpr);
    ctx.fillText(dateTimeFormat(t, { format, timeZone: f.timeZone }), x, bottom + 6 * dpr);
  }

  const size = Math.max(1, Math.round(opts.dotSize * dpr));
  const half = Math.floor(size / 2);
  const { x, y, error, count } = pts;
  for (const pass of [0, 1]) {
    ctx.fillStyle = pass === 0 ? style.ok : style.error;
    for (let i = 0; i < count; i++) {
      if (error[i] !== pass) {
        continue;
      }
      const px = Math.round(xScale.toPixel(x[i])) - half;
      const py = Math.round(yScale.toPixel(y[i])) - half;
      if (px + size < left || px > right) {
        continue;
      }
      ctx.fillRect(px, py, size, size);
    }
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', height: '100%' }),
  canvas: css({ display: 'block' }),
  legend: css({
    display: 'flex',
    gap: theme.spacing(2),
    height: LEGEND_HEIGHT,
    alignItems: 'center',
    paddingLeft: MARGIN.left,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  swatch: css({ display: 'inline-block', width: 8, height: 8, marginRight: theme.spacing(0.5) }),
  empty: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    color: theme.colors.text.secondary,
  }),
});

export function XlogPanel({ data, options, width, height, timeZone }: PanelProps<XlogOptions>) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const points = useMemo(() => framePoints(data.series[0], opts.yField), [data.series, opts.yField]);
  const plotHeight = Math.max(0, height - LEGEND_HEIGHT);
  // The range the query ran for, so dots and axis agree even while a new range is loading.
  const from = data.timeRange.from.valueOf();
  const to = data.timeRange.to.valueOf();
  const okColor = theme.visualization.getColorByName('blue');
  const errorColor = theme.visualization.getColorByName('red');

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !points) {
      return;
    }
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(plotHeight * dpr);
    drawXlog(
      ctx,
      points,
      opts,
      { width, height: plotHeight, dpr, from, to, timeZone },
      {
        ok: okColor,
        error: errorColor,
        axis: theme.colors.border.medium,
        text: theme.colors.text.secondary,
        font: `${Math.round(11 * dpr)}px ${theme.typography.fontFamily}`,
      }
    );
  });

  if (!points || points.count === 0) {
    return <div className={styles.empty}>No data</div>;
  }
  return (
    <div className={styles.root}>
      <canvas
        ref={canvasRef}
        data-testid="osprey-xlog-canvas"
        className={styles.canvas}
        style={{ width, height: plotHeight }}
      />
      <div className={styles.legend} data-testid="osprey-xlog-legend">
        <span>
          <span className={styles.swatch} style={{ background: okColor }} />
          ok {points.count - points.errorCount}
        </span>
        <span>
          <span className={styles.swatch} style={{ background: errorColor }} />
          error {points.errorCount}
        </span>
      </div>
    </div>
  );
}
