import {
  TRANSACTION_COLUMNS,
  type TransactionColumn,
  type TransactionDensity,
  type TransactionQuery,
} from '@osprey/model';

/**
 * The XLOG window as columns, the engine-neutral shape both stores answer and the Arrow encoder
 * reads: no object per transaction anywhere between the store's vectors and the wire.
 */

/** How a column's values are held: numbers in typed arrays (dictionary codes too), strings in arrays. */
export type ValueKind = 'f64' | 'f32' | 'i32' | 'i16' | 'i8' | 'str';

export type ColumnValues = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Array<string | null>;

export interface WindowColumnData {
  values: ColumnValues;
  /** 1 where the row has a value, 0 for null; absent when every row has one. */
  valid?: Uint8Array;
}

export interface WindowBatch {
  length: number;
  /** One per column of the window, in its order. */
  columns: WindowColumnData[];
}

export interface WindowColumn {
  name: TransactionColumn;
  kind: ValueKind;
  /** Dictionary columns: the distinct values, indexed by the codes in the batches. */
  dictionary?: string[];
}

export interface TransactionWindow {
  kind: 'rows';
  columns: WindowColumn[];
  /** Transactions matching the query; more than the rows sent when `truncated`. */
  matched: number;
  truncated: boolean;
  batches: AsyncIterable<WindowBatch>;
}

/** mode=auto with more matches than the limit: the grid instead of rows. */
export interface WindowDensity {
  kind: 'density';
  density: TransactionDensity;
}

export type WindowAnswer = TransactionWindow | WindowDensity;

/** A store's window read that counted more matches than mode=auto allows rows for. */
export interface OverLimit {
  kind: 'over-limit';
  matched: number;
}

export type WindowQuery = TransactionQuery & { limit: number };

/**
 * Rows per batch on the wire: 64k rows of the four dot columns are ~1 MB, so a 1M window is 16
 * batches (the first paints early, the per-batch overhead stays below 0.1 %).
 */
export const WINDOW_BATCH_ROWS = 65_536;

/** Narrowest signed code type for `size` distinct values (Arrow dictionary indexes are signed). */
export function codeKind(size: number): ValueKind {
  return size <= 0x7f ? 'i8' : size <= 0x7fff ? 'i16' : 'i32';
}

/** A column's value kind; a dictionary column's follows from its dictionary's size. */
export function columnKind(name: TransactionColumn, dictionarySize = 0): ValueKind {
  const spec = TRANSACTION_COLUMNS[name];
  switch (spec.wire) {
    case 'float64':
      return 'f64';
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'dictionary':
      return codeKind(spec.values?.length ?? dictionarySize);
    case 'utf8':
      return 'str';
  }
}

/** The window's columns, given the distinct values each free dictionary column holds. */
export function windowColumns(
  names: readonly TransactionColumn[],
  dictionaries: Partial<Record<TransactionColumn, string[]>>
): WindowColumn[] {
  return names.map((name) => {
    const spec = TRANSACTION_COLUMNS[name];
    if (spec.wire !== 'dictionary') {
      return { name, kind: columnKind(name) };
    }
    const dictionary = spec.values ? [...spec.values] : (dictionaries[name] ?? []);
    return { name, kind: columnKind(name, dictionary.length), dictionary };
  });
}

/** The `transactions` column holding a field, in both stores: the field's name in snake_case. */
export function storeColumn(name: TransactionColumn): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Columns whose dictionary the store must read from the data (not fixed by the model). */
export function freeDictionaries(names: readonly TransactionColumn[]): TransactionColumn[] {
  return names.filter((name) => TRANSACTION_COLUMNS[name].wire === 'dictionary' && !TRANSACTION_COLUMNS[name].values);
}

const ARRAYS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  i16: Int16Array,
  i8: Int8Array,
} as const;

function allocate(kind: ValueKind, length: number): ColumnValues {
  return kind === 'str' ? new Array<string | null>(length).fill(null) : new ARRAYS[kind](length);
}

/** A source column for `WindowBatcher.push`: a typed array the rows are copied from, or a value per row. */
export interface ChunkColumn {
  /** Numeric values (already of the column's kind), for typed columns. */
  items?: Float64Array | Float32Array | Int32Array | Int16Array | Int8Array;
  /** The value of row i (null for a null), for string columns and nullable ones. */
  at?: (i: number) => string | number | null;
}

/**
 * Collects the engine's small chunks (DuckDB: 2,048 rows) into WINDOW_BATCH_ROWS batches, copying
 * typed values with one `set` a chunk; hands out each batch as it fills.
 */
export class WindowBatcher {
  private batch: WindowBatch | undefined;
  private filled = 0;

  constructor(
    private readonly columns: readonly WindowColumn[],
    private readonly rows = WINDOW_BATCH_ROWS
  ) {}

  private fresh(): WindowBatch {
    return {
      length: 0,
      columns: this.columns.map((c) => ({
        values: allocate(c.kind, this.rows),
        ...(c.kind === 'str' || !TRANSACTION_COLUMNS[c.name].nullable ? {} : { valid: new Uint8Array(this.rows) }),
      })),
    };
  }

  /** Adds `count` rows; returns the batches that filled up meanwhile. */
  push(chunk: readonly ChunkColumn[], count: number): WindowBatch[] {
    const full: WindowBatch[] = [];
    for (let offset = 0; offset < count;) {
      const { columns, at, room } = this.open();
      const n = Math.min(count - offset, room);
      columns.forEach((target, c) => copy(target, chunk[c], offset, n, at));
      offset += n;
      const batch = this.commit(n);
      if (batch) {
        full.push(batch);
      }
    }
    return full;
  }

  /**
   * The batch being filled, for a decoder that writes rows into its arrays itself (ClickHouse's
   * RowBinary): rows `at` to `at + room - 1` are free. `commit` then counts the rows written.
   */
  open(): { columns: WindowColumnData[]; at: number; room: number } {
    this.batch ??= this.fresh();
    return { columns: this.batch.columns, at: this.filled, room: this.rows - this.filled };
  }

  /** Counts `n` rows written into open()'s batch; returns the batch if that filled it. */
  commit(n: number): WindowBatch | undefined {
    this.filled += n;
    return this.filled === this.rows ? this.finish(this.rows) : undefined;
  }

  /** The partly filled last batch, if any rows wait. */
  flush(): WindowBatch | undefined {
    return this.filled > 0 ? this.finish(this.filled) : undefined;
  }

  private finish(length: number): WindowBatch {
    const batch = this.batch!;
    this.batch = undefined;
    this.filled = 0;
    return {
      length,
      columns: batch.columns.map(({ values, valid }) => ({
        values: length === this.rows ? values : values.slice(0, length),
        ...(valid ? { valid: valid.slice(0, length) } : {}),
      })),
    };
  }
}

function copy(target: WindowColumnData, source: ChunkColumn, offset: number, n: number, at: number): void {
  const { values, valid } = target;
  if (Array.isArray(values)) {
    for (let i = 0; i < n; i++) {
      const v = source.at!(offset + i);
      values[at + i] = v === null ? null : String(v);
    }
    return;
  }
  if (valid) {
    for (let i = 0; i < n; i++) {
      const v = source.at!(offset + i);
      valid[at + i] = v === null ? 0 : 1;
      values[at + i] = v === null ? 0 : Number(v);
    }
    return;
  }
  values.set(source.items!.subarray(offset, offset + n), at);
}
