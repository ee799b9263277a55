import type { Row } from './connection';
import { tableSpec } from './schema';

/**
 * Rows as RowBinary for inserts, the encoding rowbinary.ts reads (little-endian numbers,
 * LEB128-prefixed UTF-8 strings, a NULL flag byte before a Nullable's value): ClickHouse reads it
 * without parsing text, and Node writes it without JSON.stringify per row. The columns and their
 * types are the table's own (schema.ts); a row object has the fields JSONEachRow would send.
 */

type Encode = (out: RowWriter, value: unknown) => void;

const NUMBERS: Record<string, Encode> = {
  Float64: (out, v) => out.f64(Number(v)),
  Int32: (out, v) => out.i32(Number(v)),
  UInt8: (out, v) => out.u8(Number(v)),
  UInt16: (out, v) => out.u16(Number(v)),
  UInt32: (out, v) => out.u32(Number(v)),
  Int64: (out, v) => out.i64(BigInt(v as number | string | bigint)),
  // Span times arrive as decimal strings: past 2^53, a number would round them.
  UInt64: (out, v) => out.u64(BigInt(v as number | string | bigint)),
  String: (out, v) => out.str(String(v)),
};

function encoder(type: string): Encode {
  const nullable = /^Nullable\((.+)\)$/.exec(type);
  if (nullable) {
    const inner = encoder(nullable[1]);
    return (out, v) => {
      if (v === null || v === undefined) {
        out.u8(1);
      } else {
        out.u8(0);
        inner(out, v);
      }
    };
  }
  const encode = NUMBERS[type];
  if (!encode) {
    throw new Error(`no RowBinary encoding for ClickHouse type ${type}`);
  }
  return encode;
}

interface TableEncoding {
  names: string[];
  encoders: Encode[];
}

/** `name Type, name Nullable(Type), …` of a table spec → its columns' names and encoders. */
export function tableEncoding(columns: string): TableEncoding {
  const pairs = columns
    .split(/,(?![^(]*\))/)
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .map((c) => {
      const [name, type] = c.split(/\s+/, 2);
      return { name, type };
    });
  return {
    names: pairs.map((p) => p.name),
    encoders: pairs.map(({ name, type }) => {
      const encode = encoder(type);
      if (type.startsWith('Nullable(')) {
        return encode;
      }
      // JSONEachRow would store the type's default for a missing field; here it is a bug to say.
      return (out: RowWriter, v: unknown) => {
        if (v === null || v === undefined) {
          throw new Error(`RowBinary insert: no value for ${name} ${type}`);
        }
        encode(out, v);
      };
    }),
  };
}

const ENCODINGS = new Map<string, TableEncoding>();

function encodingOf(table: string): TableEncoding {
  let encoding = ENCODINGS.get(table);
  if (!encoding) {
    const spec = tableSpec(table);
    if (!spec) {
      throw new Error(`no table ${table} in the ClickHouse schema`);
    }
    encoding = tableEncoding(spec.columns);
    ENCODINGS.set(table, encoding);
  }
  return encoding;
}

/** A growing buffer the rows are written into. */
export class RowWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private at = 0;

  private room(bytes: number): void {
    if (this.at + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
      this.buffer.copy(grown, 0, 0, this.at);
      this.buffer = grown;
    }
  }

  u8(v: number): void {
    this.room(1);
    this.buffer[this.at++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.at = this.buffer.writeUInt16LE(v, this.at);
  }

  u32(v: number): void {
    this.room(4);
    this.at = this.buffer.writeUInt32LE(v, this.at);
  }

  i32(v: number): void {
    this.room(4);
    this.at = this.buffer.writeInt32LE(v, this.at);
  }

  i64(v: bigint): void {
    this.room(8);
    this.at = this.buffer.writeBigInt64LE(v, this.at);
  }

  u64(v: bigint): void {
    this.room(8);
    this.at = this.buffer.writeBigUInt64LE(v, this.at);
  }

  f64(v: number): void {
    this.room(8);
    this.at = this.buffer.writeDoubleLE(v, this.at);
  }

  str(v: string): void {
    // At most 3 bytes a UTF-16 unit, and 5 for the length: room without measuring the string twice.
    this.room(v.length * 3 + 5);
    const lengthAt = this.at;
    const bytes = this.buffer.write(v, lengthAt + 1, 'utf8');
    if (bytes < 0x80) {
      this.buffer[lengthAt] = bytes;
      this.at = lengthAt + 1 + bytes;
      return;
    }
    const length: number[] = [];
    for (let n = bytes; ; n >>>= 7) {
      length.push(n >= 0x80 ? (n & 0x7f) | 0x80 : n);
      if (n < 0x80) {
        break;
      }
    }
    this.buffer.copy(this.buffer, lengthAt + length.length, lengthAt + 1, lengthAt + 1 + bytes);
    length.forEach((b, i) => (this.buffer[lengthAt + i] = b));
    this.at = lengthAt + length.length + bytes;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.at);
  }
}

/** The rows of `table` (one of schema.ts's) as RowBinary, in the order of the `columns` answered. */
export function encodeRows(table: string, rows: readonly Row[]): { columns: string[]; body: Buffer } {
  const out = new RowWriter();
  const { names, encoders } = encodingOf(table);
  for (const row of rows) {
    for (let i = 0; i < names.length; i++) {
      encoders[i](out, row[names[i]]);
    }
  }
  return { columns: names, body: out.bytes() };
}
