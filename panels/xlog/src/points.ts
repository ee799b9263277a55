import { FieldType, type DataFrame, type Field } from '@grafana/data';

import { Y_FIELDS, type YField } from './types';

/**
 * The dots of one or more transaction frames as parallel typed arrays: drawing, hit-testing and
 * selection read them straight, with no object per dot. A missing y value is NaN.
 */
export interface XlogColumns {
  count: number;
  x: Float64Array;
  /** One column per y field the frames carry; absent when no frame has that field. */
  y: Partial<Record<YField, Float64Array>>;
  /** Elapsed is always present: slow colouring and density selection read it whatever the y axis shows. */
  elapsed: Float64Array;
  error: Uint8Array;
  errorCount: number;
  /** Index into `services`. */
  service: Uint16Array;
  services: string[];
  /** Where each dot came from, to list its row: `frames[frame[i]]`, row `row[i]`. */
  frame: Uint16Array;
  row: Uint32Array;
  frames: DataFrame[];
}

/** One frame's columns, cached per frame object so a streaming query's appended frames are read once. */
interface FrameColumns {
  count: number;
  x: Float64Array;
  y: Partial<Record<YField, Float64Array>>;
  error: Uint8Array;
  service: Uint16Array;
  services: string[];
  row: Uint32Array;
}

const cache = new WeakMap<object, FrameColumns>();

const fieldByName = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);

export function isDensityFrame(frame: DataFrame | undefined): boolean {
  return frame?.meta?.custom?.density === true;
}

/** A transaction frame: an `endTime` and an `elapsed` field, and not the density answer. */
export function isTransactionFrame(frame: DataFrame): boolean {
  return !isDensityFrame(frame) && !!fieldByName(frame, 'endTime') && !!fieldByName(frame, 'elapsed');
}

/**
 * A string or enum field as codes into a list of names: an enum field (the datasource's dictionary
 * columns) already is one; a string field is coded here.
 */
function codesOf(field: Field | undefined, n: number): { codes: ArrayLike<number>; names: string[] } {
  if (field?.type === FieldType.enum) {
    return { codes: field.values as ArrayLike<number>, names: [...(field.config.type?.enum?.text ?? [])] };
  }
  const names: string[] = [];
  const index = new Map<string, number>();
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const name = String(field?.values[i] ?? '');
    let c = index.get(name);
    if (c === undefined) {
      c = names.length;
      names.push(name);
      index.set(name, c);
    }
    codes[i] = c;
  }
  return { codes, names };
}

/** The rows that have an end time: every row when the column is the datasource's gapless Float64Array. */
function rowsWithTime(times: ArrayLike<number | null | undefined>, n: number): Uint32Array {
  const row = new Uint32Array(n);
  const gapless = times instanceof Float64Array;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (gapless || (times[i] !== null && times[i] !== undefined)) {
      row[count++] = i;
    }
  }
  return count === n ? row : row.slice(0, count);
}

/** A numeric column at `row`, as float64 with NaN for a missing value; typed columns are copied whole. */
function gather(values: ArrayLike<number | null | undefined>, row: Uint32Array, n: number): Float64Array {
  if (row.length === n && (values instanceof Float32Array || values instanceof Float64Array)) {
    return new Float64Array(values);
  }
  const out = new Float64Array(row.length);
  for (let k = 0; k < row.length; k++) {
    const v = values[row[k]];
    out[k] = v === null || v === undefined ? NaN : Number(v);
  }
  return out;
}

/** Column by column, with no per-dot closure or map lookup: a million dots read in a few ms. */
function readFrame(frame: DataFrame): FrameColumns {
  const time = fieldByName(frame, 'endTime')!;
  const n = frame.length ?? time.values.length;
  const row = rowsWithTime(time.values, n);
  const count = row.length;
  // The datasource's time column is already a Float64Array with no gaps: the dots' x as it is.
  const x = time.values instanceof Float64Array ? time.values : gather(time.values, row, n);
  const y: Partial<Record<YField, Float64Array>> = {};
  for (const name of Y_FIELDS) {
    const field = fieldByName(frame, name);
    if (field) {
      y[name] = gather(field.values, row, n);
    }
  }
  const status = codesOf(fieldByName(frame, 'status'), n);
  const isError = Uint8Array.from(status.names, (name) => (name === 'error' ? 1 : 0));
  const error = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    error[k] = isError[status.codes[row[k]]] ?? 0;
  }
  // Services are numbered in order of first appearance among the dots kept, as before enums.
  const serviceCodes = codesOf(fieldByName(frame, 'service'), n);
  const services: string[] = [];
  const renumber = new Int32Array(serviceCodes.names.length + 1).fill(-1);
  const service = new Uint16Array(count);
  for (let k = 0; k < count; k++) {
    const raw = serviceCodes.codes[row[k]];
    // A code outside the dictionary reads as the empty service, as a missing value does.
    const code = raw >= 0 && raw < serviceCodes.names.length ? raw : serviceCodes.names.length;
    let s = renumber[code];
    if (s < 0) {
      s = services.length;
      services.push(serviceCodes.names[code] ?? '');
      renumber[code] = s;
    }
    service[k] = s;
  }
  return { count, x, y, error, service, services, row };
}

function frameColumns(frame: DataFrame): FrameColumns {
  // Keyed by the time column, not the frame: Grafana copies frames (field overrides) on every
  // packet of a streaming query, but the columns' arrays stay the same objects.
  const key = fieldByName(frame, 'endTime')!.values;
  let cols = cache.get(key);
  // A frame mutated in place (Grafana's StreamingDataFrame grows its columns) is read again.
  if (!cols || frame.length !== cols.row.length) {
    cols = readFrame(frame);
    cache.set(key, cols);
  }
  return cols;
}

/**
 * One frame's columns as they are (views, no copy): the common case of a window query, where a
 * copy would hold a second 25 MB for a million dots.
 */
function singleFrame(p: FrameColumns, frames: DataFrame[]): XlogColumns {
  const n = p.count;
  const y = Object.fromEntries(Object.entries(p.y).map(([name, values]) => [name, values!.subarray(0, n)]));
  let errorCount = 0;
  for (let i = 0; i < n; i++) {
    errorCount += p.error[i];
  }
  return {
    count: n,
    x: p.x.subarray(0, n),
    y,
    elapsed: y.elapsed,
    error: p.error.subarray(0, n),
    errorCount,
    service: p.service.subarray(0, n),
    services: p.services,
    frame: new Uint16Array(n),
    row: p.row.subarray(0, n),
    frames,
  };
}

/**
 * Joins the transaction frames of a panel's series into one set of columns, in frame order. With
 * `maxDots`, only the last `maxDots` dots are kept (a live buffer drops its oldest arrivals first).
 * Undefined when no frame is a transaction frame.
 */
export function seriesColumns(series: DataFrame[], maxDots = Infinity): XlogColumns | undefined {
  const frames = series.filter(isTransactionFrame);
  if (frames.length === 0) {
    return undefined;
  }
  const parts = frames.map(frameColumns);
  const total = parts.reduce((sum, p) => sum + p.count, 0);
  const count = Math.min(total, maxDots);
  let skip = total - count;
  if (parts.length === 1 && skip === 0) {
    return singleFrame(parts[0], frames);
  }
  const present = Y_FIELDS.filter((name) => parts.some((p) => p.y[name]));
  const cols: XlogColumns = {
    count,
    x: new Float64Array(count),
    y: Object.fromEntries(present.map((name) => [name, new Float64Array(count)])),
    elapsed: new Float64Array(0),
    error: new Uint8Array(count),
    errorCount: 0,
    service: new Uint16Array(count),
    services: [],
    frame: new Uint16Array(count),
    row: new Uint32Array(count),
    frames,
  };
  const serviceIndex = new Map<string, number>();
  let at = 0;
  parts.forEach((p, f) => {
    const start = Math.min(skip, p.count);
    skip -= start;
    const n = p.count - start;
    if (n === 0) {
      return;
    }
    const end = start + n;
    cols.x.set(p.x.subarray(start, end), at);
    for (const name of present) {
      const target = cols.y[name]!;
      const source = p.y[name];
      if (source) {
        target.set(source.subarray(start, end), at);
      } else {
        target.fill(NaN, at, at + n);
      }
    }
    cols.error.set(p.error.subarray(start, end), at);
    cols.row.set(p.row.subarray(start, end), at);
    cols.frame.fill(f, at, at + n);
    const globalOf = p.services.map((name) => {
      let s = serviceIndex.get(name);
      if (s === undefined) {
        s = cols.services.length;
        cols.services.push(name);
        serviceIndex.set(name, s);
      }
      return s;
    });
    for (let i = 0; i < n; i++) {
      cols.service[at + i] = globalOf[p.service[start + i]];
    }
    at += n;
  });
  cols.elapsed = cols.y.elapsed!;
  for (let i = 0; i < count; i++) {
    cols.errorCount += cols.error[i];
  }
  return cols;
}
