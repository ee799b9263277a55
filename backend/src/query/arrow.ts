import type { Readable } from 'node:stream';

import {
  type Data,
  type DataType,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int8,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { TRANSACTION_COLUMNS, WINDOW_METADATA } from '@osprey/model';

import type { TransactionWindow, ValueKind, WindowBatch, WindowColumn, WindowColumnData } from '../store/window';

const NUMBER_TYPES: Record<Exclude<ValueKind, 'str'>, () => DataType> = {
  f64: () => new Float64(),
  f32: () => new Float32(),
  i32: () => new Int32(),
  i16: () => new Int16(),
  i8: () => new Int8(),
};

interface Encoded {
  field: Field;
  /** The dictionary's values, once for the whole stream: every batch's codes index the same one. */
  dictionary?: Vector<Utf8>;
}

function encodeColumn(column: WindowColumn, id: number): Encoded {
  const nullable = TRANSACTION_COLUMNS[column.name].nullable;
  if (column.dictionary) {
    const type = new Dictionary(new Utf8(), NUMBER_TYPES[column.kind as 'i8']() as Int8, id);
    return {
      field: new Field(column.name, type, nullable),
      dictionary: vectorFromArray(column.dictionary, new Utf8()),
    };
  }
  const type = column.kind === 'str' ? new Utf8() : NUMBER_TYPES[column.kind]();
  return { field: new Field(column.name, type, nullable) };
}

/** Arrow validity: one bit a row, least significant first. */
function validityBits(valid: Uint8Array | undefined): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!valid) {
    return { nullCount: 0 };
  }
  const nullBitmap = new Uint8Array(Math.ceil(valid.length / 8));
  let nullCount = 0;
  for (let i = 0; i < valid.length; i++) {
    if (valid[i]) {
      nullBitmap[i >> 3] |= 1 << (i & 7);
    } else {
      nullCount++;
    }
  }
  return { nullBitmap, nullCount };
}

/** One column of a batch as Arrow data over the batch's own typed array (no copy). */
function columnData(encoded: Encoded, data: WindowColumnData, length: number): Data {
  const { type } = encoded.field;
  if (Array.isArray(data.values)) {
    return vectorFromArray(data.values, type as Utf8).data[0];
  }
  const { nullBitmap, nullCount } = validityBits(data.valid);
  if (encoded.dictionary) {
    return makeData({
      type: type as Dictionary<Utf8, Int8>,
      length,
      data: data.values as Int8Array,
      dictionary: encoded.dictionary,
      nullBitmap,
      nullCount,
    });
  }
  return makeData({ type: type as Float64, length, data: data.values as Float64Array, nullBitmap, nullCount });
}

function recordBatch(schema: Schema, encoded: Encoded[], batch: WindowBatch): RecordBatch {
  const children = batch.columns.map((data, i) => columnData(encoded[i], data, batch.length));
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: batch.length, nullCount: 0, children })
  );
}

/**
 * The window as an Arrow IPC stream: the schema (with `osprey.truncated` and `osprey.matched`), the
 * dictionaries once, then a record batch per store batch as it arrives. A client that goes away
 * ends the store's read (the iterator is returned).
 */
export function windowToArrow(window: TransactionWindow): Readable {
  const encoded = window.columns.map(encodeColumn);
  const schema = new Schema(
    encoded.map((e) => e.field),
    new Map([
      [WINDOW_METADATA.truncated, String(window.truncated)],
      [WINDOW_METADATA.matched, String(window.matched)],
    ])
  );
  const writer = new RecordBatchStreamWriter();
  const out: Readable = writer.toNodeStream();
  writer.reset(undefined, schema);
  let gone = false;
  out.once('close', () => {
    gone = true;
  });
  const pump = async () => {
    const batches = window.batches[Symbol.asyncIterator]();
    try {
      let wrote = false;
      for (let next = await batches.next(); !next.done; next = await batches.next()) {
        if (gone) {
          await batches.return?.();
          return;
        }
        writer.write(recordBatch(schema, encoded, next.value));
        wrote = true;
      }
      if (!wrote) {
        writer.write(recordBatch(schema, encoded, { length: 0, columns: window.columns.map(() => ({ values: [] })) }));
      }
      writer.close();
    } catch (err) {
      // Headers are gone by now: cutting the stream short is how the client learns of the failure
      // (an Arrow reader refuses a stream without its end-of-stream marker).
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  };
  void pump();
  return out;
}
