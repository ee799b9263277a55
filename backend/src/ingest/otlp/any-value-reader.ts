import type { AttributeValue, Attributes } from '@osprey/model';

import { OtlpValidationError } from './errors';
import { MAX_ATTRIBUTE_DEPTH } from './values';
import { StringTable, WIRE_FIXED64, WIRE_VARINT, type WireReader } from './wire-reader';

/**
 * Where the walk is, as convert.ts names it in errors (`resourceSpans[0].scopeSpans[1].spans[2]…`):
 * segments are pushed and popped as the walk descends, and joined only when something is wrong.
 */
export class PathStack {
  private readonly segments: Array<string | number> = [];

  push(segment: string | number): void {
    this.segments.push(segment);
  }

  pop(): void {
    this.segments.pop();
  }

  render(): string {
    return this.segments.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('');
  }

  error(suffix: string, reason: string): OtlpValidationError {
    return new OtlpValidationError(this.render() + suffix, reason);
  }
}

const TWO_32 = 4294967296;
/** AnyValue's one-byte tags: string_value (1, LEN), bool_value (2, VARINT), int_value (3), double_value (4, I64). */
const STRING_TAG = 0x0a;
const BOOL_TAG = 0x10;
const INT_TAG = 0x18;
const DOUBLE_TAG = 0x21;

/** A signed int64 as values.ts renders it: a number while it is a safe integer, else decimal. */
function int64Value(lo: number, hi: number): number | string {
  const n = (hi | 0) * TWO_32 + lo;
  return Number.isSafeInteger(n) ? n : BigInt.asIntN(64, (BigInt(hi) << BigInt(32)) | BigInt(lo)).toString();
}

/**
 * KeyValue lists and AnyValues straight from the wire into the model's attribute values, rendered
 * as values.ts renders protobufjs' decoded messages: int64 as a number when it is a safe integer
 * (else a decimal string), bytes as base64, arrays and kvlists nested at most MAX_ATTRIBUTE_DEPTH.
 */
export class AttributeReader {
  readonly strings: StringTable;

  constructor(
    readonly r: WireReader,
    readonly path: PathStack
  ) {
    this.strings = new StringTable(r);
  }

  /**
   * The KeyValues of a message whose field `field` is `repeated KeyValue` (Resource and
   * KeyValueList: 1), other fields skipped; the path names the list.
   */
  list(start: number, end: number, field: number, depth: number): Attributes {
    const r = this.r;
    const attributes: Attributes = {};
    let index = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag >>> 3 === field) {
        const kvEnd = r.lenField(tag, end);
        this.keyValue(r.pos, kvEnd, attributes, index++, depth);
        r.pos = kvEnd;
      } else {
        r.skip(tag & 7, end);
      }
    }
    return attributes;
  }

  /** One KeyValue (index `index` of the list the path names) into `attributes`. */
  keyValue(start: number, end: number, attributes: Attributes, index: number, depth: number): void {
    const r = this.r;
    let keyStart = -1;
    let keyEnd = 0;
    let valueStart = -1;
    let valueEnd = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      if (field === 1 || field === 2) {
        const fieldEnd = r.lenField(tag, end);
        if (field === 1) {
          keyStart = r.pos;
          keyEnd = fieldEnd;
        } else {
          valueStart = r.pos;
          valueEnd = fieldEnd;
        }
        r.pos = fieldEnd;
      } else {
        r.skip(tag & 7, end);
      }
    }
    if (keyStart < 0) {
      throw this.path.error(`[${index}].key`, 'must be a string, got null');
    }
    const key = this.strings.get(keyStart, keyEnd);
    if (valueStart < 0) {
      attributes[key] = null;
      return;
    }
    this.path.push(index);
    this.path.push('.value');
    attributes[key] = this.anyValue(valueStart, valueEnd, depth);
    this.path.pop();
    this.path.pop();
  }

  /**
   * One AnyValue. protobufjs kept every member of the oneof that was on the wire and values.ts
   * picks the first in declaration order, so the last occurrence of each member is noted and the
   * same order decides.
   */
  anyValue(start: number, end: number, depth: number): AttributeValue {
    if (depth >= MAX_ATTRIBUTE_DEPTH) {
      throw this.path.error('', `nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
    }
    const r = this.r;
    const single = this.singleScalar(start, end);
    if (single !== undefined) {
      return single;
    }
    let stringStart = -1;
    let stringEnd = 0;
    let bool: boolean | undefined;
    let intLo = 0;
    let intHi = 0;
    let hasInt = false;
    let double: number | undefined;
    let arrayStart = -1;
    let arrayEnd = 0;
    let kvStart = -1;
    let kvEnd = 0;
    let bytesStart = -1;
    let bytesEnd = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      const field = tag >>> 3;
      const wireType = tag & 7;
      switch (field) {
        case 2:
          r.expect(field, wireType, WIRE_VARINT);
          bool = r.uint32(end) !== 0;
          break;
        case 3:
          r.expect(field, wireType, WIRE_VARINT);
          r.varint64(end);
          intLo = r.lo;
          intHi = r.hi;
          hasInt = true;
          break;
        case 4:
          r.expect(field, wireType, WIRE_FIXED64);
          double = r.double(end);
          break;
        case 1:
        case 5:
        case 6:
        case 7: {
          const fieldEnd = r.lenField(tag, end);
          if (field === 1) {
            stringStart = r.pos;
            stringEnd = fieldEnd;
          } else if (field === 5) {
            arrayStart = r.pos;
            arrayEnd = fieldEnd;
          } else if (field === 6) {
            kvStart = r.pos;
            kvEnd = fieldEnd;
          } else {
            bytesStart = r.pos;
            bytesEnd = fieldEnd;
          }
          r.pos = fieldEnd;
          break;
        }
        default:
          r.skip(wireType, end);
      }
    }
    if (stringStart >= 0) {
      return this.strings.get(stringStart, stringEnd);
    }
    if (bool !== undefined) {
      return bool;
    }
    if (hasInt) {
      return int64Value(intLo, intHi);
    }
    if (double !== undefined) {
      return double;
    }
    if (arrayStart >= 0) {
      return this.array(arrayStart, arrayEnd, depth);
    }
    if (kvStart >= 0) {
      this.path.push('.kvlistValue.values');
      const values = this.list(kvStart, kvEnd, 1, depth + 1);
      this.path.pop();
      return values;
    }
    if (bytesStart >= 0) {
      return r.base64(bytesStart, bytesEnd);
    }
    return null;
  }

  /**
   * The common case, an AnyValue of one string, int, bool or double field, read without the
   * general walk; undefined for anything else (the walk then reads it from the start).
   */
  private singleScalar(start: number, end: number): AttributeValue | undefined {
    const r = this.r;
    if (end - start < 2) {
      return undefined;
    }
    r.pos = start + 1;
    switch (r.buf[start]) {
      case STRING_TAG: {
        const stringEnd = r.delimited(end);
        return stringEnd === end ? this.strings.get(r.pos, end) : undefined;
      }
      case INT_TAG:
        r.varint64(end);
        return r.pos === end ? int64Value(r.lo, r.hi) : undefined;
      case BOOL_TAG: {
        const bool = r.uint32(end) !== 0;
        return r.pos === end ? bool : undefined;
      }
      case DOUBLE_TAG: {
        const double = r.double(end);
        return r.pos === end ? double : undefined;
      }
      default:
        return undefined;
    }
  }

  private array(start: number, end: number, depth: number): AttributeValue[] {
    const r = this.r;
    const values: AttributeValue[] = [];
    this.path.push('.arrayValue.values');
    r.pos = start;
    while (r.pos < end) {
      const tag = r.uint32(end);
      if (tag >>> 3 === 1) {
        const itemEnd = r.lenField(tag, end);
        this.path.push(values.length);
        values.push(this.anyValue(r.pos, itemEnd, depth + 1));
        this.path.pop();
        r.pos = itemEnd;
      } else {
        r.skip(tag & 7, end);
      }
    }
    this.path.pop();
    return values;
  }
}
