import {
  createDataFrame,
  DataHoverEvent,
  dateTime,
  EventBusSrv,
  FieldType,
  LoadingState,
  type DataFrame,
  type DataQueryRequest,
  type DataSourceApi,
  type PanelData,
  type PanelProps,
} from '@grafana/data';
import { setDataSourceSrv, type DataSourceSrv } from '@grafana/runtime';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { of } from 'rxjs';

import { MARGIN } from './axes';
import { DEFAULT_OPTIONS, type XlogOptions } from './types';
import { XlogPanel } from './XlogPanel';

const T0 = 1_763_800_000_000;
const from = dateTime(T0);
const to = dateTime(T0 + 60_000);
const timeRange = { from, to, raw: { from, to } };
const WIDTH = 600;
const HEIGHT = 300;
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;

function transactions(rows: Array<[number, number, string, string]>): DataFrame {
  return createDataFrame({
    fields: [
      { name: 'endTime', type: FieldType.time, values: rows.map((r) => T0 + r[0]) },
      { name: 'elapsed', type: FieldType.number, values: rows.map((r) => r[1]) },
      { name: 'service', type: FieldType.string, values: rows.map((r) => r[2]) },
      { name: 'endpoint', type: FieldType.string, values: rows.map(() => 'GET /x') },
      { name: 'status', type: FieldType.string, values: rows.map((r) => r[3]) },
      { name: 'traceId', type: FieldType.string, values: rows.map((_r, i) => `trace-${i}`) },
    ],
  });
}

function props(data: Partial<PanelData>, options: Partial<XlogOptions> = {}): PanelProps<XlogOptions> {
  return {
    id: 1,
    data: { series: [], state: LoadingState.Done, timeRange, ...data },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    width: WIDTH,
    height: HEIGHT,
    transparent: false,
    renderCounter: 0,
    title: 'XLOG',
    eventBus: new EventBusSrv(),
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  };
}

/** Drags across the plot; the overlay sits at the plot's origin (jsdom lays nothing out). */
function drag(x0: number, y0: number, x1: number, y1: number, shiftKey = false) {
  const overlay = screen.getByTestId('osprey-xlog-overlay');
  fireEvent.pointerDown(overlay, { button: 0, clientX: x0, clientY: y0, shiftKey });
  fireEvent.pointerMove(overlay, { clientX: x1, clientY: y1 });
  fireEvent.pointerUp(overlay, { clientX: x1, clientY: y1 });
}

const xOf = (ms: number) => (ms / 60_000) * PLOT_WIDTH;

/** The panel's own query, as a dashboard hands it over: the box query goes to its datasource. */
const request = {
  requestId: 'r',
  targets: [{ refId: 'A', datasource: { uid: 'osprey' } }],
} as unknown as DataQueryRequest;

/**
 * The datasource the panel asks for a box's rows, answering `rows` whatever the box (it may answer
 * more than the box; the panel keeps only what lies inside); returns the requests it got.
 */
function answerBoxQueries(rows: Array<[number, number, string, string]>): DataQueryRequest[] {
  const queries: DataQueryRequest[] = [];
  beforeAll(() => {
    const ds = {
      query: (box: DataQueryRequest) => {
        queries.push(box);
        return of({ data: [transactions(rows)] });
      },
    } as unknown as DataSourceApi;
    setDataSourceSrv({ get: async () => ds } as unknown as DataSourceSrv);
  });
  return queries;
}

// jsdom has no canvas 2D context; pixels are asserted in Chromium by the e2e test and in render.test.ts.
beforeAll(() => {
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  // jsdom has no PointerEvent; without one, fireEvent drops clientX, button and shiftKey.
  if (!window.PointerEvent) {
    window.PointerEvent = class extends MouseEvent {
      readonly pointerId: number;
      constructor(type: string, init: PointerEventInit = {}) {
        super(type, init);
        this.pointerId = init.pointerId ?? 1;
      }
    } as unknown as typeof PointerEvent;
  }
});

describe('XlogPanel', () => {
  it('explains an empty answer with the panel data error view', () => {
    render(<XlogPanel {...props({ series: [] })} />);
    expect(screen.getByText(/Unable to render data/)).toBeInTheDocument();
    expect(screen.queryByTestId('osprey-xlog-canvas')).not.toBeInTheDocument();
  });

  it('counts ok, slow and error dots in the legend', () => {
    const frame = transactions([
      [1000, 12, 'a', 'ok'],
      [2000, 8000, 'a', 'ok'],
      [3000, 40, 'b', 'error'],
      [4000, 50, 'b', 'ok'],
    ]);
    render(<XlogPanel {...props({ series: [frame] })} />);
    expect(screen.getByTestId('osprey-xlog-canvas').style.width).toBe(`${WIDTH}px`);
    expect(screen.getByTestId('osprey-xlog-legend-ok')).toHaveAttribute('data-count', '2');
    expect(screen.getByTestId('osprey-xlog-legend-slow')).toHaveAttribute('data-count', '1');
    expect(screen.getByTestId('osprey-xlog-legend-error')).toHaveAttribute('data-count', '1');
  });

  it('lists one legend entry per service when colouring by service', () => {
    const frame = transactions([
      [1000, 12, 'a', 'ok'],
      [2000, 20, 'b', 'ok'],
      [3000, 40, 'b', 'error'],
    ]);
    render(<XlogPanel {...props({ series: [frame] }, { colorBy: 'service' })} />);
    expect(screen.getByTestId('osprey-xlog-legend')).toHaveTextContent('a 1b 1error 1');
  });

  it('drag-selects a box and lists exactly the transactions inside, slowest first, paged', () => {
    const rows: Array<[number, number, string, string]> = [];
    for (let i = 0; i < 30; i++) {
      rows.push([1000 + i * 1000, 10 + i, i % 2 ? 'a' : 'b', i % 5 === 0 ? 'error' : 'ok']);
    }
    render(<XlogPanel {...props({ series: [transactions(rows)] }, { yScale: 'linear', yMax: 100, pageSize: 5 })} />);
    // Seconds 5..14.5 of the minute, the whole height: transactions ending at 5 s … 14 s, i.e. 10 of them.
    drag(xOf(5000), 0, xOf(14_500), HEIGHT);
    const header = screen.getByTestId('osprey-xlog-selection');
    expect(header).toHaveAttribute('data-count', '10');
    expect(header).toHaveTextContent('10 transactions');
    const table = screen.getByRole('table');
    const body = within(table).getAllByRole('row').slice(1);
    expect(body).toHaveLength(5);
    expect(body[0]).toHaveTextContent('23ms');
    expect(screen.getByTestId('osprey-xlog-box')).toBeInTheDocument();
  });

  it('selects by y too: the lower half of a linear axis holds the faster transactions', () => {
    const frame = transactions([
      [1000, 10, 'a', 'ok'],
      [2000, 90, 'a', 'ok'],
      [3000, 30, 'a', 'ok'],
    ]);
    render(<XlogPanel {...props({ series: [frame] }, { yScale: 'linear', yMax: 100 })} />);
    const plotHeight = screen.getByTestId('osprey-xlog-overlay').style.height;
    const h = parseFloat(plotHeight);
    drag(0, h / 2, PLOT_WIDTH, h);
    expect(screen.getByTestId('osprey-xlog-selection')).toHaveAttribute('data-count', '2');
  });

  it('shift-drag zooms the dashboard time range instead', () => {
    const p = props({ series: [transactions([[1000, 10, 'a', 'ok']])] });
    render(<XlogPanel {...p} />);
    drag(xOf(10_000), 10, xOf(40_000), 50, true);
    expect(p.onChangeTimeRange).toHaveBeenCalledTimes(1);
    const range = (p.onChangeTimeRange as jest.Mock).mock.calls[0][0];
    // Pointer positions are whole CSS pixels: one is 60 s / 532 px ≈ 113 ms here.
    const pixel = 60_000 / PLOT_WIDTH;
    expect(Math.abs(range.from - (T0 + 10_000))).toBeLessThan(pixel);
    expect(Math.abs(range.to - (T0 + 40_000))).toBeLessThan(pixel);
    expect(screen.queryByTestId('osprey-xlog-selection')).not.toBeInTheDocument();
  });

  it('draws a crosshair where another panel hovers and removes it when it stops', () => {
    const p = props({ series: [transactions([[1000, 10, 'a', 'ok']])] });
    render(<XlogPanel {...p} />);
    act(() => p.eventBus.publish(new DataHoverEvent({ point: { time: T0 + 30_000 } })));
    expect(screen.getByTestId('osprey-xlog-crosshair').style.left).toBe(`${PLOT_WIDTH / 2}px`);
  });

  it('follows a streaming query: appended frames add dots, bounded by the live buffer', () => {
    const first = transactions([[1000, 10, 'a', 'ok']]);
    const second = transactions([
      [2000, 10, 'a', 'ok'],
      [3000, 10, 'a', 'error'],
    ]);
    const { rerender } = render(<XlogPanel {...props({ series: [first], state: LoadingState.Streaming })} />);
    expect(screen.getByTestId('osprey-xlog')).toHaveAttribute('data-live', 'true');
    expect(screen.getByTestId('osprey-xlog-canvas')).toHaveAttribute('data-dots', '1');
    rerender(<XlogPanel {...props({ series: [first, second], state: LoadingState.Streaming })} />);
    expect(screen.getByTestId('osprey-xlog-canvas')).toHaveAttribute('data-dots', '3');
    rerender(<XlogPanel {...props({ series: [first, second], state: LoadingState.Streaming }, { liveBuffer: 2 })} />);
    expect(screen.getByTestId('osprey-xlog-canvas')).toHaveAttribute('data-dots', '2');
  });

  describe('density answer', () => {
    const density = createDataFrame({
      meta: { custom: { density: true } },
      fields: [
        { name: 'time', type: FieldType.time, values: [T0, T0 + 30_000] },
        { name: 'timeEnd', type: FieldType.time, values: [T0 + 30_000, T0 + 60_000] },
        { name: 'elapsedLow', type: FieldType.number, values: [1, 10] },
        { name: 'elapsedHigh', type: FieldType.number, values: [10, 100] },
        { name: 'count', type: FieldType.number, values: [500, 40] },
        { name: 'errors', type: FieldType.number, values: [3, 1] },
      ],
    });
    const queries = answerBoxQueries([
      [40_000, 20, 'a', 'ok'],
      [41_000, 30, 'a', 'error'],
      [42_000, 5000, 'a', 'ok'],
    ]);

    it('shows the cell totals and lists the transactions of a box fetched from the datasource', async () => {
      render(<XlogPanel {...props({ series: [density], request }, { yScale: 'linear', yMax: 100 })} />);
      expect(screen.getByTestId('osprey-xlog-legend-density')).toHaveAttribute('data-count', '540');
      expect(screen.getByTestId('osprey-xlog-canvas')).toHaveAttribute('data-mode', 'density');
      drag(xOf(35_000), 1, xOf(50_000), 10_000);
      await waitFor(() => expect(screen.getByTestId('osprey-xlog-selection')).toHaveAttribute('data-count', '2'));
      expect(queries).toHaveLength(1);
      expect(queries[0].range.from.valueOf()).toBeCloseTo(T0 + 35_000, -2);
      expect(queries[0].targets[0]).toMatchObject({ queryType: 'xlog', mode: 'rows', datasource: { uid: 'osprey' } });
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(3);
    });
  });

  describe("dot columns without row details (the datasource's Arrow window)", () => {
    // What the datasource's dots answer looks like: typed arrays, status and service as enums
    // (Field.values is typed as an array; Grafana reads it by index).
    const typed = (values: ArrayLike<number>) => values as unknown as number[];
    const dots = createDataFrame({
      fields: [
        {
          name: 'endTime',
          type: FieldType.time,
          values: typed(Float64Array.from([40_000, 41_000, 42_000, 50_000], (t) => T0 + t)),
        },
        { name: 'elapsed', type: FieldType.number, values: typed(Float32Array.from([20, 30, 5000, 40])) },
        {
          name: 'status',
          type: FieldType.enum,
          values: typed(Int8Array.from([0, 1, 0, 0])),
          config: { type: { enum: { text: ['ok', 'error'] } } },
        },
        {
          name: 'service',
          type: FieldType.enum,
          values: typed(Int8Array.from([1, 1, 0, 1])),
          config: { type: { enum: { text: ['b', 'a'] } } },
        },
      ],
    });
    const queries = answerBoxQueries([
      [40_000, 20, 'a', 'ok'],
      [41_000, 30, 'a', 'error'],
    ]);

    it('draws and counts the dots, and asks the datasource for the rows of a dragged box', async () => {
      render(<XlogPanel {...props({ series: [dots], request }, { yScale: 'linear', yMax: 100 })} />);
      expect(screen.getByTestId('osprey-xlog-canvas')).toHaveAttribute('data-dots', '4');
      expect(screen.getByTestId('osprey-xlog-legend')).toHaveTextContent('error 1');
      drag(xOf(35_000), 1, xOf(45_000), 10_000);
      await waitFor(() => expect(screen.getAllByText('GET /x')).toHaveLength(2));
      // Counted from the dots: 20 ms and 30 ms are in the box, 5000 ms is above it.
      expect(screen.getByTestId('osprey-xlog-selection')).toHaveAttribute('data-count', '2');
      expect(queries).toHaveLength(1);
      expect(queries[0].targets[0]).toMatchObject({ queryType: 'xlog', mode: 'rows', columns: 'all' });
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(3);
    });
  });
});
