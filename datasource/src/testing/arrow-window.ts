import {
  TRANSACTION_COLUMN_NAMES,
  TRANSACTION_COLUMNS,
  WINDOW_METADATA,
  type Transaction,
  type TransactionColumn,
} from '@osprey/model';
import {
  Dictionary,
  Field,
  Float32,
  Float64,
  Int32,
  Int8,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';

const TYPES = {
  float64: () => new Float64(),
  float32: () => new Float32(),
  int32: () => new Int32(),
  utf8: () => new Utf8(),
  dictionary: () => new Dictionary(new Utf8(), new Int8()),
} satisfies Record<string, () => DataType>;

/**
 * Transactions as the backend's window answer carries them (model's wire types), for tests of the
 * decoding side; `batches` splits the rows into that many record batches.
 */
export function arrowWindow(
  rows: Transaction[],
  columns: readonly TransactionColumn[] = TRANSACTION_COLUMN_NAMES,
  meta: { matched?: number; truncated?: boolean; batches?: number } = {}
): Uint8Array {
  const fields = columns.map(
    (name) => new Field(name, TYPES[TRANSACTION_COLUMNS[name].wire](), TRANSACTION_COLUMNS[name].nullable)
  );
  const schema = new Schema(
    fields,
    new Map([
      [WINDOW_METADATA.truncated, String(meta.truncated ?? false)],
      [WINDOW_METADATA.matched, String(meta.matched ?? rows.length)],
    ])
  );
  const parts = meta.batches ?? 1;
  const size = Math.ceil(rows.length / parts) || 1;
  const batches: RecordBatch[] = [];
  for (let start = 0; start < Math.max(rows.length, 1); start += size) {
    const slice = rows.slice(start, start + size);
    const children = fields.map(
      (field) =>
        vectorFromArray(
          slice.map((tx) => tx[field.name as TransactionColumn] ?? null),
          field.type
        ).data[0]
    );
    batches.push(
      new RecordBatch(schema, makeData({ type: new Struct(fields), length: slice.length, nullCount: 0, children }))
    );
  }
  return tableToIPC(new Table(schema, batches), 'stream');
}
