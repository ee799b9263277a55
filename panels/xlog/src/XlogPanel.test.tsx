import {
  createDataFrame,
  dateTime,
  EventBusSrv,
  FieldType,
  LoadingState,
  type DataFrame,
  type PanelProps,
} from '@grafana/data';
import { render, screen } from '@testing-library/react';

import { DEFAULT_OPTIONS, type XlogOptions } from './types';
import { XlogPanel } from './XlogPanel';

const from = dateTime(1_763_800_000_000);
const to = dateTime(1_763_800_060_000);
const timeRange = { from, to, raw: { from, to } };

function props(series: DataFrame[]): PanelProps<XlogOptions> {
  return {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options: DEFAULT_OPTIONS,
    fieldConfig: { defaults: {}, overrides: [] },
    width: 600,
    height: 300,
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

// jsdom has no canvas 2D context; the pixels are asserted in Chromium by the e2e test. Here getContext
// answers null, as a browser does for an unsupported context, so the panel skips drawing.
beforeAll(() => {
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});

describe('XlogPanel', () => {
  it('says "No data" without a frame', () => {
    render(<XlogPanel {...props([])} />);
    expect(screen.getByText('No data')).toBeInTheDocument();
    expect(screen.queryByTestId('osprey-xlog-canvas')).not.toBeInTheDocument();
  });

  it('says "No data" for a frame without XLOG fields', () => {
    const other = createDataFrame({ fields: [{ name: 'value', type: FieldType.number, values: [1] }] });
    render(<XlogPanel {...props([other])} />);
    expect(screen.getByText('No data')).toBeInTheDocument();
  });

  it('sizes the canvas to the panel and counts ok and error dots in the legend', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'endTime', type: FieldType.time, values: [1_763_800_001_000, 1_763_800_002_000, 1_763_800_003_000] },
        { name: 'elapsed', type: FieldType.number, values: [12, 800, 40] },
        { name: 'status', type: FieldType.string, values: ['ok', 'error', 'ok'] },
      ],
    });
    render(<XlogPanel {...props([frame])} />);
    const canvas = screen.getByTestId('osprey-xlog-canvas');
    expect(canvas.style.width).toBe('600px');
    expect(screen.getByTestId('osprey-xlog-legend')).toHaveTextContent('ok 2error 1');
  });
});
