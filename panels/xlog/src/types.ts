/** Transaction fields a dot's height can come from; all but `elapsed` are drawn only when the frame has them. */
export type YField = 'elapsed' | 'sqlTime' | 'apiCallTime' | 'cpuTime';

export const Y_FIELDS: readonly YField[] = ['elapsed', 'sqlTime', 'apiCallTime', 'cpuTime'];

export type ColorBy = 'status' | 'service';

export interface XlogOptions {
  yField: YField;
  yScale: 'log' | 'linear';
  /** Top of the y axis in ms; 0 = fit the data. Dots above it are pinned to the top edge. */
  yMax: number;
  dotSize: number;
  colorBy: ColorBy;
  /** Elapsed at or above this many ms draws a dot in the slow colour (status colouring); 0 = off. */
  slowThreshold: number;
  /** Live mode: the most dots kept while following a streaming query (the oldest go first). */
  liveBuffer: number;
  /** Rows per page of the drag-select table. */
  pageSize: number;
}

export const DEFAULT_OPTIONS: XlogOptions = {
  yField: 'elapsed',
  yScale: 'log',
  yMax: 0,
  dotSize: 3,
  colorBy: 'status',
  slowThreshold: 3000,
  liveBuffer: 200_000,
  pageSize: 10,
};

/**
 * The density frame, agreed with the datasource: when a window holds too many transactions to ship,
 * the datasource answers one row per non-empty time × elapsed cell and marks the frame with
 * `meta.custom.density === true`. Times are epoch ms, elapsed edges ms.
 */
export const DENSITY_FIELDS = {
  /** Cell start (time). */
  time: 'time',
  /** Cell end (time), exclusive. */
  timeEnd: 'timeEnd',
  /** Elapsed bucket lower edge (number, ms), inclusive. */
  elapsedLow: 'elapsedLow',
  /** Elapsed bucket upper edge (number, ms), exclusive. */
  elapsedHigh: 'elapsedHigh',
  /** Transactions in the cell (number). */
  count: 'count',
  /** Of which errors (number). */
  errors: 'errors',
} as const;

/** Most transactions the panel asks for when listing a box drawn over density cells. */
export const BOX_FETCH_LIMIT = 10_000;
