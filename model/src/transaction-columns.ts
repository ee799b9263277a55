import { OptionalKind, type Static, type TSchema, Type } from '@sinclair/typebox';

import { Count, EpochMs, HexId, Millis, NonEmpty, Strict, StringEnum } from './schema';
import { TRANSACTION_KINDS, TRANSACTION_STATUSES } from './transaction';

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

const field = <S extends TSchema>(wire: ColumnWireType, schema: S) => ({ wire, schema });
const text = () => Type.Optional(Type.String());

/**
 * The one table of Transaction fields, in the window answer's order: how each travels in Arrow and
 * its JSON Schema, from which `Transaction`, the native ingest check and the route schemas come.
 */
const TRANSACTION_FIELDS = {
  endTime: field(
    'float64',
    EpochMs({ description: 'end of the request, epoch milliseconds (the fraction keeps the microseconds)' })
  ),
  elapsed: field('float32', Millis({ description: 'duration, milliseconds' })),
  service: field('dictionary', NonEmpty()),
  instance: field('dictionary', NonEmpty()),
  endpoint: field('dictionary', NonEmpty()),
  status: field('dictionary', StringEnum(TRANSACTION_STATUSES)),
  httpStatus: field('int32', Type.Optional(Type.Integer({ minimum: 100, maximum: 599 }))),
  errorType: field('utf8', text()),
  errorMessage: field('utf8', text()),
  traceId: field('utf8', HexId(32)),
  spanId: field('utf8', HexId(16)),
  parentService: field('dictionary', Type.Optional(Type.String({ description: 'calling service, when instrumented' }))),
  userId: field('utf8', text()),
  clientIp: field('utf8', text()),
  sqlCount: field('int32', Count()),
  sqlTime: field('float32', Millis()),
  apiCallCount: field('int32', Count()),
  apiCallTime: field('float32', Millis()),
  kind: field('dictionary', StringEnum(TRANSACTION_KINDS)),
  threadName: field('utf8', text()),
  cpuTime: field('float32', Type.Optional(Millis())),
};

type Fields = typeof TRANSACTION_FIELDS;
const properties = Object.fromEntries(
  Object.entries(TRANSACTION_FIELDS).map(([name, spec]) => [name, spec.schema])
) as { [K in keyof Fields]: Fields[K]['schema'] };

/**
 * One finished request as seen by one service: a dot on the XLOG. Derived from an OpenTelemetry or
 * Zipkin entry span, or posted by a native agent (`POST /api/v1/transactions`, unknown fields refused).
 */
export const TransactionSchema = Strict(properties);
export type Transaction = Static<typeof TransactionSchema>;

export type TransactionColumn = keyof Transaction;

/** Every Transaction field in the window answer's order, with its wire type. */
export const TRANSACTION_COLUMNS = Object.fromEntries(
  Object.entries(TRANSACTION_FIELDS).map(([name, { wire, schema }]) => {
    const values = (schema as { enum?: readonly string[] }).enum;
    return [name, { wire, nullable: OptionalKind in schema, ...(values ? { values } : {}) }];
  })
) as Readonly<Record<TransactionColumn, ColumnSpec>>;

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
