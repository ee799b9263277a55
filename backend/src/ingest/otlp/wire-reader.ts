import { OtlpValidationError } from './errors';

/**
 * Protobuf wire-format primitives over one request body, for the OTLP readers that walk the bytes
 * without building message objects. Every read is bounds-checked against the end of the message
 * it belongs to, so a length or varint that runs past it is refused rather than read from the
 * next field; every failure is an OtlpValidationError worded like protobufjs' decode errors were.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

/** protobufjs' default recursion limit for skipped groups; deeper nesting is refused the same way. */
const MAX_GROUP_DEPTH = 100;

/** Node's Buffer slicers without toString's argument checks (what protobufjs' BufferReader uses). */
interface FastSlices {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
}

export class WireReader {
  readonly buf: Buffer;
  private readonly slices: FastSlices;
  pos = 0;
  /** The halves of the last varint64 / fixed64 read, unsigned. */
  lo = 0;
  hi = 0;

  constructor(
    body: Uint8Array,
    private readonly messageName: string
  ) {
    this.buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
    this.slices = this.buf as unknown as FastSlices;
  }

  get length(): number {
    return this.buf.length;
  }

  malformed(reason: string): OtlpValidationError {
    return new OtlpValidationError('', `body is not a protobuf ${this.messageName}: ${reason}`);
  }

  /** A varint's low 32 bits, unsigned (tags, lengths, int32, bool); up to 10 bytes, within `end`. */
  uint32(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) {
        throw this.malformed(`truncated varint at offset ${this.pos}`);
      }
      const byte = buf[pos++];
      if (shift < 32) {
        value |= (byte & 0x7f) << shift;
      }
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    throw this.malformed(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  /** A 64-bit varint into `lo` / `hi`. */
  varint64(end: number): void {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) {
        throw this.malformed(`truncated varint at offset ${start}`);
      }
      const bits = buf[pos] & 0x7f;
      if (i < 4) {
        lo |= bits << (7 * i);
      } else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else {
        hi |= bits << (7 * i - 32);
      }
      if (buf[pos++] < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw this.malformed(`varint longer than 10 bytes at offset ${start}`);
  }

  /** A fixed64 into `lo` / `hi`. */
  fixed64(end: number): void {
    this.need(8, end);
    this.lo = this.buf.readUInt32LE(this.pos);
    this.hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
  }

  /** The last varint64 / fixed64 read, unsigned, in decimal. */
  decimal(): string {
    return decimalUint64(this.lo, this.hi);
  }

  double(end: number): number {
    this.need(8, end);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** A length prefix; returns where the delimited bytes end (they start at `pos`). */
  delimited(end: number): number {
    const at = this.pos;
    const length = this.uint32(end);
    if (length > end - this.pos) {
      throw this.malformed(`length ${length} at offset ${at} runs past the end of its message`);
    }
    return this.pos + length;
  }

  utf8(start: number, end: number): string {
    return this.slices.utf8Slice(start, end);
  }

  hex(start: number, end: number): string {
    return this.slices.hexSlice(start, end);
  }

  base64(start: number, end: number): string {
    return this.slices.base64Slice(start, end);
  }

  /** Skips a field of an unknown number (groups included, as protobufjs does). */
  skip(wireType: number, end: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint64(end);
        return;
      case WIRE_FIXED64:
        this.need(8, end);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.delimited(end);
        return;
      case WIRE_START_GROUP:
        if (depth >= MAX_GROUP_DEPTH) {
          throw this.malformed('maximum nesting depth exceeded');
        }
        for (;;) {
          const type = this.uint32(end) & 7;
          if (type === WIRE_END_GROUP) {
            return;
          }
          this.skip(type, end, depth + 1);
        }
      case WIRE_FIXED32:
        this.need(4, end);
        this.pos += 4;
        return;
      default:
        throw this.malformed(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }

  /** A known length-delimited field after its tag: where its bytes end (they start at `pos`). */
  lenField(tag: number, end: number): number {
    this.expect(tag >>> 3, tag & 7, WIRE_LEN);
    return this.delimited(end);
  }

  /** Refuses a known field sent with another wire type than its declared one. */
  expect(field: number, wireType: number, declared: number): void {
    if (wireType !== declared) {
      throw this.malformed(`field ${field} has wire type ${wireType}, expected ${declared} (offset ${this.pos})`);
    }
  }

  private need(bytes: number, end: number): void {
    if (end - this.pos < bytes) {
      throw this.malformed(`${bytes}-byte value at offset ${this.pos} runs past the end of its message`);
    }
  }
}

const TWO_32 = 4294967296;
const BILLION = 1e9;

export function uint64(lo: number, hi: number): bigint {
  return (BigInt(hi) << BigInt(32)) | BigInt(lo);
}

/**
 * An unsigned 64-bit value (two unsigned 32-bit halves) in decimal, by long division in 16-bit
 * limbs: every intermediate stays below 2^53, and it costs half of building a BigInt to print.
 */
export function decimalUint64(lo: number, hi: number): string {
  let quotient = 0;
  let rest = hi >>> 16;
  for (let i = 0; i < 3; i++) {
    const limb = i === 0 ? hi & 0xffff : i === 1 ? lo >>> 16 : lo & 0xffff;
    const current = rest * 65536 + limb;
    const digit = Math.floor(current / BILLION);
    rest = current - digit * BILLION;
    quotient = quotient * 65536 + digit;
  }
  return quotient > 0 ? `${quotient}${String(rest).padStart(9, '0')}` : String(rest);
}

/** `end - start` of two unsigned 64-bit values, end ≥ start, in decimal (in doubles while exact). */
export function decimalDifference(endLo: number, endHi: number, startLo: number, startHi: number): string {
  const difference = (endHi - startHi) * TWO_32 + (endLo - startLo);
  return difference <= Number.MAX_SAFE_INTEGER
    ? String(difference)
    : (uint64(endLo, endHi) - uint64(startLo, startHi)).toString();
}

/**
 * Repeated short strings of one request (service names, span names, attribute keys and values),
 * decoded once: later occurrences are matched by their bytes and share the first one's string.
 */
export class StringTable {
  private readonly entries = new Map<number, { start: number; end: number; value: string }>();

  constructor(private readonly reader: WireReader) {}

  get(start: number, end: number): string {
    const length = end - start;
    if (length > 64) {
      return this.reader.utf8(start, end);
    }
    const buf = this.reader.buf;
    // The first and last 8 bytes pick the entry; the comparison below decides, so a collision
    // only costs a decode.
    let hash = 0x811c9dc5 ^ length;
    for (let i = start, headEnd = Math.min(end, start + 8); i < headEnd; i++) {
      hash = Math.imul(hash ^ buf[i], 0x01000193);
    }
    for (let i = Math.max(start + 8, end - 8); i < end; i++) {
      hash = Math.imul(hash ^ buf[i], 0x01000193);
    }
    const entry = this.entries.get(hash);
    if (entry !== undefined && entry.end - entry.start === length && sameBytes(buf, entry.start, start, length)) {
      return entry.value;
    }
    const value = this.reader.utf8(start, end);
    if (entry === undefined) {
      this.entries.set(hash, { start, end, value });
    }
    return value;
  }
}

function sameBytes(buf: Buffer, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    if (buf[a + i] !== buf[b + i]) {
      return false;
    }
  }
  return true;
}
