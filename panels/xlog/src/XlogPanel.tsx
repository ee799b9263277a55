import {
  DataHoverClearEvent,
  DataHoverEvent,
  dateTime,
  dateTimeFormat,
  LoadingState,
  type PanelProps,
} from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { IconButton, LoadingPlaceholder, useStyles2, useTheme2 } from '@grafana/ui';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type PointerEvent as ReactPointerEvent,
} from 'react';

import { MARGIN } from './axes';
import { formatBound, hasRowDetails, MAX_LISTED, selectionSummary, slowestBox, type Selection } from './box-selection';
import { paintColors, paletteWords } from './colors';
import { cellsInBox, densityCells, densityYRange } from './density';
import { drawScene, type RasterHolder } from './draw';
import { fetchBoxFrames } from './fetch';
import { describeHover, tooltipStyle, type Drawn, type Hover } from './hover';
import { Legend } from './Legend';
import { pixelBoxOf, rectStyle, yDomainFor, yScaleFor, type Layout } from './layout';
import { paintDots } from './paint';
import { seriesColumns } from './points';
import { transformY } from './render';
import { linearScale } from './scale';
import { boxBetween, boxToData, selectInBox, slowestFirst, type DataBox, type PixelBox } from './selection';
import { SelectionTable, selectedRows } from './SelectionTable';
import { getStyles, LEGEND_HEIGHT } from './styles';
import { DEFAULT_OPTIONS, type XlogOptions, type YField } from './types';

/** A press that moves less than this (CSS px) is a click, not a drag. */
const CLICK_SLOP = 3;

export function XlogPanel(props: PanelProps<XlogOptions>) {
  const { data, options, width, height, timeZone, eventBus, onChangeTimeRange, id, fieldConfig, replaceVariables } =
    props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const opts = useMemo(() => ({ ...DEFAULT_OPTIONS, ...options }), [options]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rasterRef = useRef<RasterHolder>();
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
      if (!canvas) {
        return;
      }
      const scene = { layout, width, height: canvasHeight, dpr, cols, transformed, paint, palette, density, colors };
      const { holder, dots } = drawScene(
        canvas,
        { ...scene, yScale: opts.yScale, dotSize: opts.dotSize, theme, timeZone },
        rasterRef.current
      );
      rasterRef.current = holder;
      drawnRef.current = { layout, cols, raster: cols ? holder?.raster : undefined };
      // How many dots the canvas now shows: the render is complete once this matches data-dots.
      canvas.dataset.drawnDots = String(dots);
    },
    [layoutAt, width, canvasHeight, dpr, cols, transformed, paint, palette, density, colors, opts, theme, timeZone]
  );

  // Every change of data, size, options or theme redraws; hover and drag state do not. Drawn before
  // the browser paints the commit, so new data shows in that frame rather than the one after.
  useLayoutEffect(() => draw(live ? Date.now() : 0), [draw, live]);

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
      <Legend paint={paint} density={density} colors={colors} asked={opts.yField} shown={yField} live={live} />
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
