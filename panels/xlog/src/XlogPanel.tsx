import { css } from '@emotion/css';
import {
  DataHoverClearEvent,
  DataHoverEvent,
  dateTime,
  dateTimeFormat,
  LoadingState,
  type GrafanaTheme2,
  type PanelProps,
} from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { IconButton, LoadingPlaceholder, useStyles2, useTheme2 } from '@grafana/ui';
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';

import { drawAxes, MARGIN } from './axes';
import { paintColors, paletteWords } from './colors';
import { cellAlpha, cellsInBox, densityCells, densityYRange, type DensityCells } from './density';
import { fetchBoxFrames } from './fetch';
import { paintDots } from './paint';
import { seriesColumns, type XlogColumns } from './points';
import { createRaster, hitTest, rasterize, transformY, type Raster } from './render';
import { formatMs, linearDomain, linearScale, logDomain, logScale, type Scale } from './scale';
import { boxBetween, boxToData, selectInBox, slowestFirst, type DataBox, type PixelBox } from './selection';
import { SelectionTable, selectedRows, type SelectedRow } from './SelectionTable';
import { DEFAULT_OPTIONS, type XlogOptions, type YField } from './types';

const LEGEND_HEIGHT = 22;
/** Rows a box lists at most (its slowest); the header still counts every transaction inside. */
export const MAX_LISTED = 2000;
/** A press that moves less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 3;

/** The plot's geometry for one draw: CSS size of the plot area and the scales in both pixel spaces. */
interface Layout {
  width: number;
  height: number;
  x0: number;
  x1: number;
  yDomain: [number, number];
  xCss: Scale;
  yCss: Scale;
}

interface Selection {
  box: DataBox;
  total: number;
  rows: SelectedRow[];
  loading?: boolean;
  error?: string;
  /** Density mode: what the cells under the box count (shown while the rows load, or if they cannot). */
  cells?: { cells: number; transactions: number; errors: number };
  /**
   * Dots without row details (the datasource's dot columns): the box the rows are asked for, its
   * floor raised to the slowest listed dot. `total` is then the dots counted here.
   */
  ask?: DataBox;
}

/** What the canvas shows now: hover reads the hit grid of exactly these columns. */
interface Drawn {
  layout: Layout;
  cols?: XlogColumns;
  raster?: Raster;
}

interface Hover {
  left: number;
  top: number;
  lines: string[];
}

function yScaleFor(kind: 'log' | 'linear', domain: [number, number], range: [number, number]): Scale {
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

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', height: '100%', position: 'relative' }),
  plot: css({ position: 'relative', flex: 'none' }),
  canvas: css({ display: 'block' }),
  overlay: css({ position: 'absolute', cursor: 'crosshair', touchAction: 'none' }),
  box: css({
    position: 'absolute',
    border: `1px dashed ${theme.colors.text.primary}`,
    background: theme.colors.action.selected,
    pointerEvents: 'none',
  }),
  crosshair: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    width: 1,
    background: theme.colors.text.secondary,
    pointerEvents: 'none',
  }),
  tooltip: css({
    position: 'absolute',
    pointerEvents: 'none',
    zIndex: theme.zIndex.tooltip,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    boxShadow: theme.shadows.z2,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    overflow: 'hidden',
    gap: theme.spacing(2),
    height: LEGEND_HEIGHT,
    flex: 'none',
    alignItems: 'center',
    paddingLeft: MARGIN.left,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  swatch: css({ display: 'inline-block', width: 8, height: 8, marginRight: theme.spacing(0.5) }),
  selection: css({ flex: 1, minHeight: 0, overflow: 'auto', borderTop: `1px solid ${theme.colors.border.weak}` }),
  selectionHeader: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  grow: css({ flex: 1 }),
});

const formatBound = (v: number) => (Number.isFinite(v) ? formatMs(v) : v > 0 ? '∞' : '0');

export function XlogPanel(props: PanelProps<XlogOptions>) {
  const { data, options, width, height, timeZone, eventBus, onChangeTimeRange, id, fieldConfig, replaceVariables } =
    props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const opts = useMemo(() => ({ ...DEFAULT_OPTIONS, ...options }), [options]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rasterRef = useRef<{ raster: Raster; image?: ImageData }>();
  const drawnRef = useRef<Drawn>();
  const ownHover = useRef<DataHoverEvent>();
  const dragRef = useRef<{ start: { x: number; y: number }; shift: boolean }>();
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  const [drag, setDrag] = useState<{ box: PixelBox; shift: boolean }>();
  const [selection, setSelection] = useState<Selection>();
  const [hover, setHover] = useState<Hover>();
  const [crosshair, setCrosshair] = useState<number>();
  const [liveNow, setLiveNow] = useState(() => Date.now());

  const live = data.state === LoadingState.Streaming;
  const cols = useMemo(
    () => seriesColumns(data.series, live ? opts.liveBuffer : Infinity),
    [data.series, live, opts.liveBuffer]
  );
  const density = useMemo(() => (cols ? undefined : densityCells(data.series)), [cols, data.series]);
  const yField: YField = cols?.y[opts.yField] ? opts.yField : 'elapsed';
  const yValues = cols?.y[yField];
  const transformed = useMemo(
    () => (cols && yValues ? transformY(yValues, cols.count, opts.yScale) : undefined),
    [cols, yValues, opts.yScale]
  );
  const paint = useMemo(
    () => (cols ? paintDots(cols, opts.colorBy, opts.slowThreshold) : undefined),
    [cols, opts.colorBy, opts.slowThreshold]
  );
  const colors = useMemo(
    () => (paint ? paintColors(theme, opts.colorBy, paint) : [theme.visualization.getColorByName('blue')]),
    [theme, opts.colorBy, paint]
  );
  const palette = useMemo(() => paletteWords(colors), [colors]);
  const yDomain = useMemo((): [number, number] => {
    if (cols && yValues) {
      return yDomainFor(yValues, cols.count, opts.yScale, opts.yMax);
    }
    if (density) {
      const range = densityYRange(density);
      return yDomainFor(range, range.length, opts.yScale, opts.yMax);
    }
    return [1, 10];
  }, [cols, yValues, density, opts.yScale, opts.yMax]);

  const from = data.timeRange.from.valueOf();
  const to = data.timeRange.to.valueOf();
  const tableHeight = selection ? Math.max(150, Math.floor((height - LEGEND_HEIGHT) / 2)) : 0;
  const canvasHeight = Math.max(0, height - LEGEND_HEIGHT - tableHeight);
  const plotWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const plotHeight = Math.max(0, canvasHeight - MARGIN.top - MARGIN.bottom);

  const layoutAt = useCallback(
    (now: number): Layout => {
      // Live: the window keeps the query's span and ends now, so dots drift left as time passes.
      const x1 = live ? now : to;
      const x0 = live ? now - (to - from) : from;
      return {
        width: plotWidth,
        height: plotHeight,
        x0,
        x1,
        yDomain,
        xCss: linearScale([x0, x1], [0, plotWidth]),
        yCss: yScaleFor(opts.yScale, yDomain, [plotHeight, 0]),
      };
    },
    [live, from, to, plotWidth, plotHeight, yDomain, opts.yScale]
  );

  const draw = useCallback(
    (now: number) => {
      const layout = layoutAt(now);
      drawnRef.current = { layout, cols };
      const canvas = canvasRef.current;
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) {
        return;
      }
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(canvasHeight * dpr);
      // The window drawn, for tests and debugging of live mode (where it ends now and moves on).
      canvas.dataset.windowEnd = String(Math.round(layout.x1));
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      const plot = {
        left: Math.round(MARGIN.left * dpr),
        top: Math.round(MARGIN.top * dpr),
        right: Math.round((MARGIN.left + plotWidth) * dpr),
        bottom: Math.round((MARGIN.top + plotHeight) * dpr),
      };
      const w = plot.right - plot.left;
      const h = plot.bottom - plot.top;
      const xs = linearScale([layout.x0, layout.x1], [plot.left, plot.right]);
      const ys = yScaleFor(opts.yScale, yDomain, [plot.bottom, plot.top]);
      if (cols && transformed && paint && w > 0 && h > 0) {
        let holder = rasterRef.current;
        if (!holder || holder.raster.width !== w || holder.raster.height !== h) {
          holder = { raster: createRaster(w, h) };
          rasterRef.current = holder;
        }
        const [d0, d1] = yDomain;
        const log = opts.yScale === 'log';
        rasterize(
          cols.x,
          transformed,
          paint.index,
          cols.count,
          palette,
          {
            width: w,
            height: h,
            x0: layout.x0,
            x1: layout.x1,
            t0: log ? Math.log10(d0) : d0,
            t1: log ? Math.log10(d1) : d1,
            dot: opts.dotSize * dpr,
          },
          holder.raster
        );
        holder.image ??= new ImageData(new Uint8ClampedArray(holder.raster.pixels.buffer as ArrayBuffer), w, h);
        ctx.putImageData(holder.image, plot.left, plot.top);
      } else if (density) {
        drawDensity(ctx, density, xs, ys, plot, colors[0], theme.visualization.getColorByName('red'));
      }
      drawAxes(ctx, xs, ys, plot, dpr, timeZone, {
        axis: theme.colors.border.medium,
        text: theme.colors.text.secondary,
        font: `${Math.round(11 * dpr)}px ${theme.typography.fontFamily}`,
      });
      drawnRef.current = { layout, cols, raster: cols ? rasterRef.current?.raster : undefined };
      // How many dots the canvas now shows: the render is complete once this matches data-dots.
      canvas.dataset.drawnDots = String(cols && transformed && paint ? cols.count : 0);
    },
    [
      layoutAt,
      width,
      canvasHeight,
      plotWidth,
      plotHeight,
      dpr,
      cols,
      transformed,
      paint,
      palette,
      density,
      colors,
      yDomain,
      opts,
      theme,
      timeZone,
    ]
  );

  // Every change of data, size, options or theme redraws; hover and drag state do not.
  useEffect(() => draw(live ? Date.now() : 0), [draw, live]);

  // Live: redraw whenever the window has moved by a device pixel, at most once per animation frame.
  useEffect(() => {
    if (!live || plotWidth <= 0) {
      return;
    }
    const msPerPixel = (to - from) / (plotWidth * dpr);
    let last = Date.now();
    let frame = requestAnimationFrame(function tick() {
      const now = Date.now();
      if (now - last >= msPerPixel) {
        last = now;
        draw(now);
        setLiveNow(now);
      }
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [live, draw, from, to, plotWidth, dpr]);

  // A window moved to a screen with another pixel ratio redraws sharp.
  useEffect(() => {
    const query = window.matchMedia?.(`(resolution: ${dpr}dppx)`);
    const changed = () => setDpr(window.devicePixelRatio || 1);
    query?.addEventListener?.('change', changed);
    return () => query?.removeEventListener?.('change', changed);
  }, [dpr]);

  // Shared crosshair: other panels' hover moves a line here; our own events are skipped.
  useEffect(() => {
    const hovers = eventBus.getStream(DataHoverEvent).subscribe((event) => {
      const time = event.payload?.point?.time;
      if (event !== ownHover.current && typeof time === 'number') {
        setCrosshair(time);
      }
    });
    const clears = eventBus.getStream(DataHoverClearEvent).subscribe(() => setCrosshair(undefined));
    return () => {
      hovers.unsubscribe();
      clears.unsubscribe();
    };
  }, [eventBus]);

  // Density: a box lists its transactions by asking the datasource for rows in it.
  const request = data.request;
  useEffect(() => {
    if (!selection?.loading || !request) {
      return;
    }
    let cancelled = false;
    const { box, ask } = selection;
    fetchBoxFrames(request, ask ?? box).then(
      (frames) => {
        const fetched = seriesColumns(frames);
        if (cancelled) {
          return;
        }
        const y = (ask && fetched?.y[yField]) || fetched?.elapsed;
        const inside = fetched && y ? selectInBox(fetched.x, y, fetched.count, box) : new Uint32Array(0);
        const rows =
          fetched && y ? selectedRows(fetched, slowestFirst(inside, y, MAX_LISTED), ask ? yField : 'elapsed') : [];
        const total = ask ? selection.total : inside.length;
        setSelection((s) => (s?.box === box ? { ...s, loading: false, total, rows } : s));
      },
      (err: unknown) => {
        if (!cancelled) {
          const error = err instanceof Error ? err.message : String(err);
          setSelection((s) => (s?.box === box ? { ...s, loading: false, error } : s));
        }
      }
    );
    return () => {
      cancelled = true;
    };
  }, [selection, request, yField]);

  const select = useCallback(
    (box: DataBox) => {
      if (cols && yValues && !hasRowDetails(cols)) {
        const inside = selectInBox(cols.x, yValues, cols.count, box);
        // The backend filters by elapsed only: another y axis asks for the box's time range.
        const ask = yField === 'elapsed' ? slowestBox(cols, inside, box) : { ...box, low: -Infinity, high: Infinity };
        setSelection({ box, total: inside.length, rows: [], loading: !!request, ask });
      } else if (cols && yValues) {
        const inside = selectInBox(cols.x, yValues, cols.count, box);
        const rows = selectedRows(cols, slowestFirst(inside, yValues, MAX_LISTED), yField);
        setSelection({ box, total: inside.length, rows });
      } else if (density) {
        setSelection({ box, total: 0, rows: [], loading: !!request, cells: cellsInBox(density, box) });
      }
    },
    [cols, yValues, yField, density, request]
  );

  const point = (e: ReactPointerEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) {
      return;
    }
    e.currentTarget.setPointerCapture?.(e.pointerId);
    dragRef.current = { start: point(e), shift: e.shiftKey };
    setHover(undefined);
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const p = point(e);
    const drawn = drawnRef.current;
    if (dragRef.current) {
      setDrag({ box: boxBetween(dragRef.current.start, p, plotWidth, plotHeight), shift: dragRef.current.shift });
      return;
    }
    if (!drawn) {
      return;
    }
    const time = drawn.layout.xCss.fromPixel(p.x);
    const event = new DataHoverEvent({ point: { time } });
    ownHover.current = event;
    eventBus.publish(event);
    setCrosshair(undefined);
    setHover(describeHover(p, drawn, yField, density, dpr, opts.dotSize, timeZone));
  };

  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    const started = dragRef.current;
    dragRef.current = undefined;
    setDrag(undefined);
    const drawn = drawnRef.current;
    if (!started || !drawn) {
      return;
    }
    const box = boxBetween(started.start, point(e), plotWidth, plotHeight);
    if (box.right - box.left < CLICK_SLOP && box.bottom - box.top < CLICK_SLOP) {
      return;
    }
    const dataBox = boxToData(box, drawn.layout.xCss, drawn.layout.yCss, plotHeight);
    if (started.shift) {
      const range = { from: dateTime(Math.floor(dataBox.from)), to: dateTime(Math.ceil(dataBox.to)) };
      onChangeTimeRange({ from: range.from.valueOf(), to: range.to.valueOf() });
      return;
    }
    select(dataBox);
  };

  const onPointerLeave = () => {
    if (!dragRef.current) {
      setHover(undefined);
      eventBus.publish(new DataHoverClearEvent());
    }
  };

  if (data.state === LoadingState.Error || (!cols && !density)) {
    return (
      <PanelDataErrorView
        panelId={id}
        fieldConfig={fieldConfig}
        data={data}
        needsTimeField
        needsNumberField
        message={
          data.state === LoadingState.Error
            ? undefined
            : 'No transactions: the XLOG needs a frame with endTime and elapsed fields, or a density frame'
        }
      />
    );
  }

  // The last drawn layout gives the live window; otherwise the query range.
  const layout = layoutAt(live ? liveNow : 0);
  const selectedBox = selection && pixelBoxOf(selection.box, layout);
  const crosshairX = crosshair !== undefined ? layout.xCss.toPixel(crosshair) : undefined;

  return (
    <div className={styles.root} data-testid="osprey-xlog" data-live={live ? 'true' : 'false'}>
      <div className={styles.plot} style={{ width, height: canvasHeight }}>
        <canvas
          ref={canvasRef}
          data-testid="osprey-xlog-canvas"
          data-mode={cols ? 'dots' : 'density'}
          data-dots={cols?.count ?? 0}
          className={styles.canvas}
          style={{ width, height: canvasHeight }}
        />
        <div
          className={styles.overlay}
          data-testid="osprey-xlog-overlay"
          style={{ left: MARGIN.left, top: MARGIN.top, width: plotWidth, height: plotHeight }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={onPointerLeave}
        >
          {crosshairX !== undefined && crosshairX >= 0 && crosshairX <= plotWidth && (
            <div className={styles.crosshair} data-testid="osprey-xlog-crosshair" style={{ left: crosshairX }} />
          )}
          {(drag?.box ?? selectedBox) && (
            <div className={styles.box} data-testid="osprey-xlog-box" style={rectStyle(drag?.box ?? selectedBox!)} />
          )}
          {hover && (
            <div className={styles.tooltip} data-testid="osprey-xlog-tooltip" style={tooltipStyle(hover, plotWidth)}>
              {hover.lines.map((line) => (
                <div key={line}>{line}</div>
              ))}
            </div>
          )}
        </div>
      </div>
      <div className={styles.legend} data-testid="osprey-xlog-legend">
        {paint
          ? paint.entries.map((entry, k) => (
              <span key={entry.key} data-testid={`osprey-xlog-legend-${entry.key}`} data-count={entry.count}>
                <span className={styles.swatch} style={{ background: colors[k] }} />
                {entry.label} {entry.count}
              </span>
            ))
          : density && (
              <span data-testid="osprey-xlog-legend-density" data-count={density.total}>
                <span className={styles.swatch} style={{ background: colors[0] }} />
                {density.total} transactions in {density.count} cells, {density.totalErrors} errors
              </span>
            )}
        {yField !== opts.yField && <span>no {opts.yField} in the data: showing elapsed</span>}
        {live && <span>live</span>}
      </div>
      {selection && (
        <div className={styles.selection} style={{ height: tableHeight }}>
          <div
            className={styles.selectionHeader}
            data-testid="osprey-xlog-selection"
            data-count={selection.total}
            data-from={selection.box.from}
            data-to={selection.box.to}
            data-low={selection.box.low}
            data-high={selection.box.high}
          >
            <span className={styles.grow}>
              {selectionSummary(selection)} · {dateTimeFormat(selection.box.from, { timeZone, format: 'HH:mm:ss' })}–
              {dateTimeFormat(selection.box.to, { timeZone, format: 'HH:mm:ss' })}, {formatBound(selection.box.low)}–
              {formatBound(selection.box.high)}
            </span>
            <IconButton name="times" tooltip="Clear selection" onClick={() => setSelection(undefined)} />
          </div>
          {selection.loading ? (
            <LoadingPlaceholder text="Loading the transactions in the box…" />
          ) : (
            <SelectionTable
              rows={selection.rows}
              yField={cols ? yField : 'elapsed'}
              pageSize={opts.pageSize}
              timeZone={timeZone}
              replaceVariables={replaceVariables}
            />
          )}
        </div>
      )}
    </div>
  );
}

/** Frames that carry what a listed row shows (the trace id); the datasource's dot columns do not. */
function hasRowDetails(cols: XlogColumns): boolean {
  return cols.frames.every((f) => f.fields.some((field) => field.name === 'traceId'));
}

/**
 * The box to ask the datasource for when the dots carry no row details: its floor raised to the
 * MAX_LISTED-th slowest dot inside (less float32 rounding), so the answer holds the rows worth
 * listing, not the first rows of a dense box.
 */
function slowestBox(cols: XlogColumns, inside: Uint32Array, box: DataBox): DataBox {
  const slowest = slowestFirst(inside, cols.elapsed, MAX_LISTED);
  if (slowest.length < MAX_LISTED) {
    return box;
  }
  const floor = cols.elapsed[slowest[slowest.length - 1]] * (1 - 1e-6);
  return { ...box, low: Math.max(box.low, floor) };
}

function selectionSummary(s: Selection): string {
  if (s.error) {
    const cells = s.cells ? ` (the cells count ${s.cells.transactions}, ${s.cells.errors} errors)` : '';
    return `Could not list the transactions: ${s.error}${cells}`;
  }
  if (s.loading) {
    return s.cells ? `${s.cells.transactions} transactions in ${s.cells.cells} cells` : 'Loading';
  }
  const listed = s.total > s.rows.length ? ` (the slowest ${s.rows.length} listed)` : '';
  return `${s.total} transactions${listed}`;
}

function pixelBoxOf(box: DataBox, layout: Layout): PixelBox {
  const clipY = (v: number) => Math.min(Math.max(v, 0), layout.height);
  return {
    left: Math.max(0, layout.xCss.toPixel(box.from)),
    right: Math.min(layout.width, layout.xCss.toPixel(box.to)),
    top: Number.isFinite(box.high) ? clipY(layout.yCss.toPixel(box.high)) : 0,
    bottom: Number.isFinite(box.low) ? clipY(layout.yCss.toPixel(box.low)) : layout.height,
  };
}

const rectStyle = (b: PixelBox) => ({ left: b.left, top: b.top, width: b.right - b.left, height: b.bottom - b.top });

const tooltipStyle = (h: Hover, plotWidth: number) =>
  h.left > plotWidth / 2 ? { right: plotWidth - h.left + 12, top: h.top + 12 } : { left: h.left + 12, top: h.top + 12 };

/** What is under the pointer: the dot drawn there (from the hit grid) or the density cell. */
function describeHover(
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

/** Density cells as rectangles: opacity by count (log), errors over them in red by their share. */
function drawDensity(
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
