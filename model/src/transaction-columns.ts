import { TRANSACTION_KINDS, type Transaction } from './transaction';

/**
 * How a Transaction field travels in the XLOG window answer (Arrow IPC): `float64`/`float32`/`int32`
 * numbers, `dictionary` strings (the batch carries indexes into a list of distinct values), `utf8`
 * strings. Durations are float32: 24 bits of mantissa keep a 1 s elapsed to ~0.06 µs and halve the
 * bytes the XLOG's tallest column costs; end times stay float64 epoch ms (µs fraction exact).
 */
export type ColumnWireType = 'float64' | 'float32' | 'int32' | 'dictionary' | 'utf8';

export interface ColumnSpec {
  wire: ColumnWireType;
  nullable: boolean;
  /** A dictionary column whose values are fixed by the model, in this order (the stores' ENUM order). */
  values?: readonly string[];
}

export type TransactionColumn = keyof Transaction;

const column = (wire: ColumnWireType, nullable = false, values?: readonly string[]): ColumnSpec => ({
  wire,
  nullable,
  ...(values ? { values } : {}),
});

/** Every Transaction field in the window answer's order, with its wire type. */
export const TRANSACTION_COLUMNS: Readonly<Record<TransactionColumn, ColumnSpec>> = {
  endTime: column('float64'),
  elapsed: column('float32'),
  service: column('dictionary'),
  instance: column('dictionary'),
  endpoint: column('dictionary'),
  status: column('dictionary', false, ['ok', 'error']),
  httpStatus: column('int32', true),
  errorType: column('utf8', true),
  errorMessage: column('utf8', true),
  traceId: column('utf8'),
  spanId: column('utf8'),
  parentService: column('dictionary', true),
  userId: column('utf8', true),
  clientIp: column('utf8', true),
  sqlCount: column('int32'),
  sqlTime: column('float32'),
  apiCallCount: column('int32'),
  apiCallTime: column('float32'),
  kind: column('dictionary', false, TRANSACTION_KINDS),
  threadName: column('utf8', true),
  cpuTime: column('float32', true),
};

export const TRANSACTION_COLUMN_NAMES = Object.keys(TRANSACTION_COLUMNS) as TransactionColumn[];

/**
 * What the XLOG panel draws a dot from: where (end time, elapsed), its colour (status, service).
 * The y-axis switch adds sqlTime / apiCallTime / cpuTime.
 */
export const XLOG_DOT_COLUMNS: readonly TransactionColumn[] = ['endTime', 'elapsed', 'service', 'status'];

/** Schema metadata keys of the window answer. */
export const WINDOW_METADATA = {
  /** "true" when more transactions matched than `limit` allowed (the newest `limit` were sent). */
  truncated: 'osprey.truncated',
  /** Transactions matching the query, the ones `limit` cut off included. */
  matched: 'osprey.matched',
} as const;

/**
 * `columns=` of `GET /api/v1/transactions`: comma-separated field names, each once, in any order
 * (the answer keeps TRANSACTION_COLUMNS' order). Returns the problem as text, or the columns.
 */
export function parseColumns(text: string): TransactionColumn[] | string {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(name in TRANSACTION_COLUMNS));
  if (names.some((name) => name === '')) {
    return 'an empty column name';
  }
  if (unknown.length > 0) {
    return `unknown column(s) ${unknown.join(', ')}; known: ${TRANSACTION_COLUMN_NAMES.join(', ')}`;
  }
  if (new Set(names).size !== names.length) {
    return 'a column named twice';
  }
  return TRANSACTION_COLUMN_NAMES.filter((name) => names.includes(name));
}

/**
 * The column sets an XLOG query asks for: `dots` what the panel draws, `timings` also the SQL, API
 * and CPU times its y-axis switch shows, `all` every field (tables, a drag-selected box's list).
 */
export const XLOG_COLUMN_SETS = {
  dots: XLOG_DOT_COLUMNS,
  timings: [...XLOG_DOT_COLUMNS, 'sqlTime', 'apiCallTime', 'cpuTime'],
  all: TRANSACTION_COLUMN_NAMES,
} as const satisfies Record<string, readonly TransactionColumn[]>;

export type XlogColumnSet = keyof typeof XLOG_COLUMN_SETS;
