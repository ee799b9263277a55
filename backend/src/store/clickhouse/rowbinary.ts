import { TRANSACTION_COLUMNS } from '@osprey/model';

import type { ValueKind, WindowBatch, WindowBatcher, WindowColumn, WindowColumnData } from '../window';

/**
 * ClickHouse's RowBinary output of the window's columns, decoded straight into a WindowBatcher's
 * arrays: no object per row. A row is its columns one after another, little-endian: Float64,
 * Float32, Int32/16/8 as 8/4/4/2/1 bytes, a String as its UTF-8 byte length (unsigned LEB128)
 * then the bytes, a Nullable as one byte (1 for NULL) followed by the value unless NULL.
 */

const TYPES: Record<ValueKind, string> = {
  f64: 'Float64',
  f32: 'Float32',
  i32: 'Int32',
  i16: 'Int16',
  i8: 'Int8',
  str: 'String',
};

/** The ClickHouse type a window column is cast to in the SELECT, which is what the decoder reads. */
export function clickHouseType(column: WindowColumn): string {
  const type = TYPES[column.kind];
  return TRANSACTION_COLUMNS[column.name].nullable ? `Nullable(${type})` : type;
}

/** Where the row being decoded ran past the bytes received so far. */
const INCOMPLETE = -1;

export class RowBinaryDecoder {
  private readonly nullable: boolean[];
  /** The start of a row split across chunks, decoded again once the next chunk is here. */
  private rest: Buffer | undefined;
  /** The latest chunk, where a server error would stand. */
  private last: Buffer | undefined;
  private rows = 0;

  constructor(
    private readonly columns: readonly WindowColumn[],
    private readonly batcher: WindowBatcher
  ) {
    this.nullable = columns.map((c) => TRANSACTION_COLUMNS[c.name].nullable);
  }

  /** Decodes every whole row `chunk` completes; returns the batches that filled up. */
  write(chunk: Buffer): WindowBatch[] {
    this.last = chunk;
    const bytes = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const full: WindowBatch[] = [];
    let pos = 0;
    for (;;) {
      const { columns, at, room } = this.batcher.open();
      let n = 0;
      for (; n < room; n++) {
        const next = this.row(bytes, view, pos, columns, at + n);
        if (next === INCOMPLETE) {
          break;
        }
        pos = next;
      }
      this.rows += n;
      const batch = this.batcher.commit(n);
      if (batch) {
        full.push(batch);
      }
      if (n < room) {
        break;
      }
    }
    this.rest = pos < bytes.length ? bytes.subarray(pos) : undefined;
    return full;
  }

  /**
   * The partly filled last batch; throws unless the bytes were exactly `rows` whole rows. An error
   * met after the HTTP headers went out is written by ClickHouse at the end of the body, as text
   * the decoder took for rows: the message quotes it.
   */
  end(rows: number): WindowBatch | undefined {
    const problem = this.rest
      ? `ended inside row ${this.rows + 1} (${this.rest.length} bytes of it)`
      : this.rows !== rows
        ? `held ${this.rows} rows where ${rows} were expected`
        : undefined;
    if (problem) {
      const text = this.last?.toString('utf8') ?? '';
      const at = text.lastIndexOf('Code: ');
      throw new Error(
        `ClickHouse's RowBinary answer ${problem}${at < 0 ? '' : `; the server wrote: ${text.slice(at).trim()}`}`
      );
    }
    return this.batcher.flush();
  }

  /** Decodes the row at `pos` into row `r` of `columns`; the position after it, or INCOMPLETE. */
  private row(bytes: Buffer, view: DataView, pos: number, columns: WindowColumnData[], r: number): number {
    const end = bytes.length;
    for (let c = 0; c < this.columns.length; c++) {
      const { values, valid } = columns[c];
      const kind = this.columns[c].kind;
      if (this.nullable[c]) {
        if (pos >= end) {
          return INCOMPLETE;
        }
        const isNull = bytes[pos++] !== 0;
        if (valid) {
          valid[r] = isNull ? 0 : 1;
        }
        if (isNull) {
          (values as Array<string | number | null>)[r] = kind === 'str' ? null : 0;
          continue;
        }
      }
      if (kind === 'str') {
        let length = 0;
        let scale = 1;
        let byte: number;
        do {
          if (pos >= end) {
            return INCOMPLETE;
          }
          byte = bytes[pos++];
          length += (byte & 0x7f) * scale;
          scale *= 0x80;
        } while (byte >= 0x80);
        if (pos + length > end) {
          return INCOMPLETE;
        }
        (values as Array<string | null>)[r] = bytes.toString('utf8', pos, pos + length);
        pos += length;
        continue;
      }
      const size = SIZES[kind];
      if (pos + size > end) {
        return INCOMPLETE;
      }
      (values as Float64Array)[r] = read(view, kind, pos);
      pos += size;
    }
    return pos;
  }
}

const SIZES: Record<Exclude<ValueKind, 'str'>, number> = { f64: 8, f32: 4, i32: 4, i16: 2, i8: 1 };

function read(view: DataView, kind: Exclude<ValueKind, 'str'>, pos: number): number {
  switch (kind) {
    case 'f64':
      return view.getFloat64(pos, true);
    case 'f32':
      return view.getFloat32(pos, true);
    case 'i32':
      return view.getInt32(pos, true);
    case 'i16':
      return view.getInt16(pos, true);
    case 'i8':
      return view.getInt8(pos);
  }
}
