import type { AttributeValue, Attributes } from '@osprey/model';
import Long from 'long';

import { OtlpValidationError } from './errors';

/**
 * The OTLP scalar and attribute readers every signal (traces, metrics, logs) converts with. Input
 * is either shape convert.ts describes (JSON.parse output or protobufjs' decoded message); every
 * violation throws OtlpValidationError naming its path.
 */

/**
 * How deep arrays and key-value lists may nest inside one attribute. Real instrumentation nests a
 * level or two; the bound keeps a hostile batch from exhausting the stack here or when the stored
 * JSON is read back.
 */
export const MAX_ATTRIBUTE_DEPTH = 32;

export function convertAttributes(list: unknown, path: string, depth = 0): Attributes {
  const attributes: Attributes = {};
  forEachElement(list, path, (kv, kvPath) => {
    const pair = asObject(kv, kvPath);
    const key = asString(pair.key, `${kvPath}.key`);
    attributes[key] = convertAnyValue(pair.value, `${kvPath}.value`, depth);
  });
  return attributes;
}

/** AnyValue → JSON-friendly value. int64 beyond 2^53 stays a decimal string so nothing is rounded. */
export function convertAnyValue(value: unknown, path: string, depth: number): AttributeValue {
  if (value === undefined || value === null) {
    return null;
  }
  if (depth >= MAX_ATTRIBUTE_DEPTH) {
    throw new OtlpValidationError(path, `nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`);
  }
  const v = asObject(value, path);
  if (!absent(v.stringValue)) {
    return asString(v.stringValue, `${path}.stringValue`);
  }
  if (!absent(v.boolValue)) {
    if (typeof v.boolValue !== 'boolean') {
      throw new OtlpValidationError(`${path}.boolValue`, 'must be a boolean');
    }
    return v.boolValue;
  }
  if (!absent(v.intValue)) {
    const n = int64(v.intValue, `${path}.intValue`);
    const asNumber = Number(n);
    return Number.isSafeInteger(asNumber) ? asNumber : n.toString();
  }
  if (!absent(v.doubleValue)) {
    return doubleValue(v.doubleValue, `${path}.doubleValue`);
  }
  if (!absent(v.arrayValue)) {
    const values: AttributeValue[] = [];
    const arrayPath = `${path}.arrayValue`;
    forEachElement(asObject(v.arrayValue, arrayPath).values, `${arrayPath}.values`, (item, itemPath) => {
      values.push(convertAnyValue(item, itemPath, depth + 1));
    });
    return values;
  }
  if (!absent(v.kvlistValue)) {
    const kvPath = `${path}.kvlistValue`;
    return convertAttributes(asObject(v.kvlistValue, kvPath).values, `${kvPath}.values`, depth + 1);
  }
  if (!absent(v.bytesValue)) {
    return bytesAsBase64(v.bytesValue, `${path}.bytesValue`);
  }
  return null;
}

/** Proto3 JSON reads null as the field's default, and protobufjs' messages hold null for unset fields. */
export function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function forEachElement(list: unknown, path: string, visit: (item: unknown, itemPath: string) => void): void {
  if (list === undefined || list === null) {
    return;
  }
  if (!Array.isArray(list)) {
    throw new OtlpValidationError(path, `must be an array, got ${describe(list)}`);
  }
  list.forEach((item, i) => visit(item, `${path}[${i}]`));
}

export function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new OtlpValidationError(path, `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new OtlpValidationError(path, `must be a string, got ${describe(value)}`);
  }
  return value;
}

const HEX = /^[0-9a-fA-F]*$/;

/** An id as lowercase hex; `undefined` when absent or empty (protobuf default). */
export function optionalId(value: unknown, bytes: number, path: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  let hex: string;
  if (value instanceof Uint8Array) {
    if (value.length === 0) {
      return undefined;
    }
    if (value.length !== bytes) {
      throw new OtlpValidationError(path, `must be ${bytes} bytes, got ${value.length}`);
    }
    hex = Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex');
  } else if (typeof value === 'string') {
    if (value === '') {
      return undefined;
    }
    if (value.length !== bytes * 2 || !HEX.test(value)) {
      throw new OtlpValidationError(path, `must be ${bytes * 2} hex digits, got ${JSON.stringify(value)}`);
    }
    hex = value.toLowerCase();
  } else {
    throw new OtlpValidationError(path, `must be a hex string, got ${describe(value)}`);
  }
  if (/^0+$/.test(hex)) {
    throw new OtlpValidationError(path, 'must not be all zeros');
  }
  return hex;
}

export function requiredId(value: unknown, bytes: number, path: string): string {
  const id = optionalId(value, bytes, path);
  if (id === undefined) {
    throw new OtlpValidationError(path, 'required');
  }
  return id;
}

export const ZERO_NANOS = BigInt(0);
const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);
const INT64_MIN = -(BigInt(1) << BigInt(63));
const INT64_MAX = (BigInt(1) << BigInt(63)) - BigInt(1);

/**
 * An int64 field. Strings keep every digit. A JSON number above 2^53 was already rounded by
 * JSON.parse, so for times (`exact`) it is refused rather than stored as a silent lie; attribute
 * values come from senders whose own numbers are doubles (the OTel JS JSON exporter writes them as
 * numbers), so there the double is taken as sent.
 */
export function integer(value: unknown, path: string, exact = true): bigint {
  if (value instanceof Long) {
    const bits = (BigInt(value.high >>> 0) << BigInt(32)) | BigInt(value.low >>> 0);
    return value.unsigned ? bits : BigInt.asIntN(64, bits);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    return BigInt(value);
  }
  if (typeof value === 'number') {
    if (!exact && Number.isInteger(value)) {
      return BigInt(value);
    }
    if (!Number.isSafeInteger(value)) {
      throw new OtlpValidationError(
        path,
        `${value} is not an exact integer (send 64-bit integers as decimal strings in OTLP/JSON)`
      );
    }
    return BigInt(value);
  }
  throw new OtlpValidationError(path, `must be an integer or decimal string, got ${describe(value)}`);
}

export function uint64(value: unknown, path: string): bigint {
  if (value === undefined || value === null) {
    return ZERO_NANOS;
  }
  const n = integer(value, path);
  if (n < ZERO_NANOS || n > UINT64_MAX) {
    throw new OtlpValidationError(path, `${n} is outside the unsigned 64-bit range`);
  }
  return n;
}

export function int64(value: unknown, path: string): bigint {
  const n = integer(value, path, false);
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new OtlpValidationError(path, `${n} is outside the signed 64-bit range`);
  }
  return n;
}

/** Proto3 JSON writes non-finite doubles as strings. */
export function doubleValue(value: unknown, path: string): number | string {
  if (typeof value === 'number') {
    return value;
  }
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  throw new OtlpValidationError(path, `must be a number, got ${describe(value)}`);
}

export function bytesAsBase64(value: unknown, path: string): string {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
  }
  if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    return value;
  }
  throw new OtlpValidationError(path, `must be base64 bytes, got ${describe(value)}`);
}

/** Enum as an integer (the OTLP/JSON rule) or its proto name (tolerated, as proto3 JSON allows). */
export function enumValue(value: unknown, prefix: string, names: readonly string[], path: string): number {
  if (value === undefined || value === null) {
    return 0;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) {
    return value;
  }
  if (typeof value === 'string' && value.startsWith(prefix)) {
    const index = names.indexOf(value.slice(prefix.length).toLowerCase());
    if (index >= 0) {
      return index;
    }
  }
  throw new OtlpValidationError(path, `must be an integer 0..${names.length - 1}, got ${describe(value)}`);
}

export function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (value instanceof Uint8Array) {
    return `${value.length} bytes`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return `${typeof value} ${String(value)}`;
}

/** The resource of one `resourceSpans` / `resourceMetrics` / `resourceLogs` entry. */
export interface OtlpResource {
  /** `service.name`, or `unknown_service` as the SDKs default it. */
  service: string;
  attributes: Attributes;
}

export function readResource(container: Record<string, unknown>, path: string): OtlpResource {
  const resourcePath = `${path}.resource`;
  const attributes = absent(container.resource)
    ? {}
    : convertAttributes(asObject(container.resource, resourcePath).attributes, `${resourcePath}.attributes`);
  const serviceName = attributes['service.name'];
  return {
    service: typeof serviceName === 'string' && serviceName !== '' ? serviceName : 'unknown_service',
    attributes,
  };
}

/** A proto3 double (a JSON number, or one of the non-finite strings) as a number; absent → undefined. */
export function optionalDouble(value: unknown, path: string): number | undefined {
  if (absent(value)) {
    return undefined;
  }
  const n = doubleValue(value, path);
  return typeof n === 'number' ? n : Number(n);
}

/** A 64-bit count (fixed64 / uint64) as a number; counts past 2^53 lose only their lowest digits. */
export function count(value: unknown, path: string): number {
  return Number(uint64(value, path));
}

/** A (s)int32 field: a JSON or protobufjs number; absent → 0. */
export function int32(value: unknown, path: string): number {
  if (absent(value)) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31) {
    throw new OtlpValidationError(path, `must be a 32-bit integer, got ${describe(value)}`);
  }
  return value;
}
