import type { DataFrame, Field } from '@grafana/data';

import { isDensityFrame } from './points';
import type { DataBox } from './selection';
import { DENSITY_FIELDS } from './types';

/** The cells of a density frame (see DENSITY_FIELDS), as parallel typed arrays. */
export interface DensityCells {
  count: number;
  from: Float64Array;
  to: Float64Array;
  low: Float64Array;
  high: Float64Array;
  transactions: Float64Array;
  errors: Float64Array;
  /** Largest cell count: the full-intensity colour. */
  max: number;
  total: number;
  totalErrors: number;
}

const numbers = (field: Field | undefined, n: number): Float64Array => {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Number(field?.values[i] ?? 0);
  }
  return out;
};

/** Undefined unless the first density frame of `series` has the agreed fields. */
export function densityCells(series: DataFrame[]): DensityCells | undefined {
  const frame = series.find(isDensityFrame);
  if (!frame) {
    return undefined;
  }
  const field = (name: string) => frame.fields.find((f) => f.name === name);
  const names = Object.values(DENSITY_FIELDS);
  if (names.some((name) => !field(name))) {
    return undefined;
  }
  const n = frame.length;
  const cells: DensityCells = {
    count: n,
    from: numbers(field(DENSITY_FIELDS.time), n),
    to: numbers(field(DENSITY_FIELDS.timeEnd), n),
    low: numbers(field(DENSITY_FIELDS.elapsedLow), n),
    high: numbers(field(DENSITY_FIELDS.elapsedHigh), n),
    transactions: numbers(field(DENSITY_FIELDS.count), n),
    errors: numbers(field(DENSITY_FIELDS.errors), n),
    max: 0,
    total: 0,
    totalErrors: 0,
  };
  for (let i = 0; i < n; i++) {
    cells.max = Math.max(cells.max, cells.transactions[i]);
    cells.total += cells.transactions[i];
    cells.totalErrors += cells.errors[i];
  }
  return cells;
}

/**
 * Cell opacity for a count: logarithmic, so one lone slow request stays visible beside a cell of
 * ten thousand, with a floor so no non-empty cell vanishes.
 */
export function cellAlpha(count: number, max: number): number {
  if (count <= 0 || max <= 0) {
    return 0;
  }
  return 0.2 + (0.8 * Math.log1p(count)) / Math.log1p(max);
}

/** Transactions in cells overlapping the box, which may include some just outside it. */
export function cellsInBox(cells: DensityCells, box: DataBox): { cells: number; transactions: number; errors: number } {
  const out = { cells: 0, transactions: 0, errors: 0 };
  for (let i = 0; i < cells.count; i++) {
    if (cells.to[i] > box.from && cells.from[i] <= box.to && cells.high[i] > box.low && cells.low[i] <= box.high) {
      out.cells++;
      out.transactions += cells.transactions[i];
      out.errors += cells.errors[i];
    }
  }
  return out;
}

/** Elapsed range of the data, for the y axis: the lowest lower edge and highest upper edge. */
export function densityYRange(cells: DensityCells): Float64Array {
  const values = new Float64Array(cells.count * 2);
  values.set(cells.low, 0);
  values.set(cells.high, cells.count);
  return values;
}
