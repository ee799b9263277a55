import {
  type DataType,
  Dictionary,
  Float64,
  Int32,
  Schema,
  Field,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
  makeData,
  Struct,
  RecordBatch,
} from 'apache-arrow';
import type { Transaction, TransactionsResponse } from '@osprey/model';

/**
 * The Arrow schema of the transactions answer: one column per Transaction field, same names.
 * Low-cardinality strings are dictionary-encoded; optional fields are nullable. `truncated`
 * travels as the schema metadata key `osprey.truncated` ("true" / "false").
 */
export const TRANSACTION_COLUMNS: ReadonlyArray<[keyof Transaction, () => DataType, boolean]> = [
  ['endTime', () => new Float64(), false],
  ['elapsed', () => new Float64(), false],
  ['service', () => new Dictionary(new Utf8(), new Int32()), false],
  ['instance', () => new Dictionary(new Utf8(), new Int32()), false],
  ['endpoint', () => new Dictionary(new Utf8(), new Int32()), false],
  ['status', () => new Dictionary(new Utf8(), new Int32()), false],
  ['httpStatus', () => new Int32(), true],
  ['errorType', () => new Utf8(), true],
  ['errorMessage', () => new Utf8(), true],
  ['traceId', () => new Utf8(), false],
  ['spanId', () => new Utf8(), false],
  ['parentService', () => new Dictionary(new Utf8(), new Int32()), true],
  ['userId', () => new Utf8(), true],
  ['clientIp', () => new Utf8(), true],
  ['sqlCount', () => new Int32(), false],
  ['sqlTime', () => new Float64(), false],
  ['apiCallCount', () => new Int32(), false],
  ['apiCallTime', () => new Float64(), false],
  ['kind', () => new Dictionary(new Utf8(), new Int32()), false],
  ['threadName', () => new Utf8(), true],
  ['cpuTime', () => new Float64(), true],
];

/** The rows of a transactions answer as one Arrow IPC stream (schema above). */
export function transactionsToArrow(response: TransactionsResponse): Uint8Array {
  const rows = response.transactions;
  const vectors = TRANSACTION_COLUMNS.map(([name, type]) =>
    vectorFromArray(
      rows.map((tx) => tx[name] ?? null),
      type()
    )
  );
  const fields = TRANSACTION_COLUMNS.map(([name, , nullable], i) => new Field(name, vectors[i].type, nullable));
  const schema = new Schema(fields, new Map([['osprey.truncated', String(response.truncated)]]));
  const data = makeData({
    type: new Struct(fields),
    length: rows.length,
    nullCount: 0,
    children: vectors.map((vector) => vector.data[0]),
  });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), 'stream');
}
