import type { XlogColumns } from './points';
import { formatMs } from './scale';
import { slowestFirst, type DataBox } from './selection';
import type { SelectedRow } from './SelectionTable';

/** Rows a box lists at most (its slowest); the header still counts every transaction inside. */
export const MAX_LISTED = 2000;

/** A box drawn over the plot and what it lists. */
export interface Selection {
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

/** Frames that carry what a listed row shows (the trace id); the datasource's dot columns do not. */
export function hasRowDetails(cols: XlogColumns): boolean {
  return cols.frames.every((f) => f.fields.some((field) => field.name === 'traceId'));
}

/**
 * The box to ask the datasource for when the dots carry no row details: its floor raised to the
 * MAX_LISTED-th slowest dot inside (less float32 rounding), so the answer holds the rows worth
 * listing, not the first rows of a dense box.
 */
export function slowestBox(cols: XlogColumns, inside: Uint32Array, box: DataBox): DataBox {
  const slowest = slowestFirst(inside, cols.elapsed, MAX_LISTED);
  if (slowest.length < MAX_LISTED) {
    return box;
  }
  const floor = cols.elapsed[slowest[slowest.length - 1]] * (1 - 1e-6);
  return { ...box, low: Math.max(box.low, floor) };
}

export function selectionSummary(s: Selection): string {
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

export const formatBound = (v: number) => (Number.isFinite(v) ? formatMs(v) : v > 0 ? '∞' : '0');
