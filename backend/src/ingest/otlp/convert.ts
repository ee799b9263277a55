import type { AttributeValue, Attributes, Span, SpanEvent, SpanKind, SpanStatus } from '@osprey/model';
import Long from 'long';

import { OtlpValidationError } from './errors';

/**
 * Turns an ExportTraceServiceRequest into model Spans, validating as it goes.
 *
 * The input is a plain object in one of two shapes that differ only in scalar encodings:
 * - OTLP/JSON as parsed by JSON.parse: ids are hex strings, int64 are decimal strings or
 *   numbers, bytes are base64 strings, enums are integers (names tolerated);
 * - the protobuf message as protobufjs' `decode` returns it: ids and bytes are Uint8Array, int64
 *   are Long, unset fields are null (proto3 JSON reads null as unset too).
 * Unknown fields are ignored (OTLP/JSON spec). Any violation throws OtlpValidationError naming
 * the path, so the caller rejects the whole batch.
 */
export function convertExportRequest(request: unknown): Span[] {
  const root = asObject(request, '');
  const spans: Span[] = [];
  forEachElement(root.resourceSpans, 'resourceSpans', (rs, rsPath) => {
    const resourceSpans = asObject(rs, rsPath);
    const resourcePath = `${rsPath}.resource`;
    const resource =
      resourceSpans.resource === undefined || resourceSpans.resource === null
        ? {}
        : convertAttributes(asObject(resourceSpans.resource, resourcePath).attributes, `${resourcePath}.attributes`);
    const serviceName = resource['service.name'];
    const service = typeof serviceName === 'string' && serviceName !== '' ? serviceName : 'unknown_service';
    forEachElement(resourceSpans.scopeSpans, `${rsPath}.scopeSpans`, (ss, ssPath) => {
      const scopeSpans = asObject(ss, ssPath);
      forEachElement(scopeSpans.spans, `${ssPath}.spans`, (s, spanPath) => {
        spans.push(convertSpan(asObject(s, spanPath), spanPath, service, resource));
      });
    });
  });
  return spans;
}

const SPAN_KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_CODES: readonly SpanStatus[] = ['unset', 'ok', 'error'];
const ZERO_NANOS = BigInt(0);

function convertSpan(span: Record<string, unknown>, path: string, service: string, resource: Attributes): Span {
  const traceId = requiredId(span.traceId, 16, `${path}.traceId`);
  const spanId = requiredId(span.spanId, 8, `${path}.spanId`);
  const parentSpanId = optionalId(span.parentSpanId, 8, `${path}.parentSpanId`);
  const name = absent(span.name) ? '' : asString(span.name, `${path}.name`);
  const kind = SPAN_KINDS[enumValue(span.kind, 'SPAN_KIND_', SPAN_KINDS, `${path}.kind`)];
  const start = uint64(span.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const end = uint64(span.endTimeUnixNano, `${path}.endTimeUnixNano`);
  if (start === ZERO_NANOS) {
    throw new OtlpValidationError(`${path}.startTimeUnixNano`, 'required, must be > 0');
  }
  if (end < start) {
    throw new OtlpValidationError(`${path}.endTimeUnixNano`, `${end} is before startTimeUnixNano ${start}`);
  }
  let status: SpanStatus = 'unset';
  let statusMessage: string | undefined;
  if (span.status !== undefined && span.status !== null) {
    const statusPath = `${path}.status`;
    const s = asObject(span.status, statusPath);
    status = STATUS_CODES[enumValue(s.code, 'STATUS_CODE_', STATUS_CODES, `${statusPath}.code`)];
    if (!absent(s.message) && s.message !== '') {
      statusMessage = asString(s.message, `${statusPath}.message`);
    }
  }
  const events: SpanEvent[] = [];
  forEachElement(span.events, `${path}.events`, (e, eventPath) => {
    const event = asObject(e, eventPath);
    events.push({
      name: absent(event.name) ? '' : asString(event.name, `${eventPath}.name`),
      timeUnixNano: uint64(event.timeUnixNano, `${eventPath}.timeUnixNano`).toString(),
      attributes: convertAttributes(event.attributes, `${eventPath}.attributes`),
    });
  });
  const result: Span = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano: start.toString(),
    durationNano: (end - start).toString(),
    status,
    service,
    resource,
    attributes: convertAttributes(span.attributes, `${path}.attributes`),
    events,
  };
  if (parentSpanId !== undefined) {
    result.parentSpanId = parentSpanId;
  }
  if (statusMessage !== undefined) {
    result.statusMessage = statusMessage;
  }
  return result;
}

/**
 * How deep arrays and key-value lists may nest inside one attribute. Real instrumentation nests a
 * level or two; the bound keeps a hostile batch from exhausting the stack here or when the stored
 * JSON is read back.
 */
export const MAX_ATTRIBUTE_DEPTH = 32;

function convertAttributes(list: unknown, path: string, depth = 0): Attributes {
  const attributes: Attributes = {};
  forEachElement(list, path, (kv, kvPath) => {
    const pair = asObject(kv, kvPath);
    const key = asString(pair.key, `${kvPath}.key`);
    attributes[key] = convertAnyValue(pair.value, `${kvPath}.value`, depth);
  });
  return attributes;
}

/** AnyValue → JSON-friendly value. int64 beyond 2^53 stays a decimal string so nothing is rounded. */
function convertAnyValue(value: unknown, path: string, depth: number): AttributeValue {
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
function absent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function forEachElement(list: unknown, path: string, visit: (item: unknown, itemPath: string) => void): void {
  if (list === undefined || list === null) {
    return;
  }
  if (!Array.isArray(list)) {
    throw new OtlpValidationError(path, `must be an array, got ${describe(list)}`);
  }
  list.forEach((item, i) => visit(item, `${path}[${i}]`));
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new OtlpValidationError(path, `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new OtlpValidationError(path, `must be a string, got ${describe(value)}`);
  }
  return value;
}

const HEX = /^[0-9a-fA-F]*$/;

/** An id as lowercase hex; `undefined` when absent or empty (protobuf default). */
function optionalId(value: unknown, bytes: number, path: string): string | undefined {
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

function requiredId(value: unknown, bytes: number, path: string): string {
  const id = optionalId(value, bytes, path);
  if (id === undefined) {
    throw new OtlpValidationError(path, 'required');
  }
  return id;
}

const UINT64_MAX = (BigInt(1) << BigInt(64)) - BigInt(1);
const INT64_MIN = -(BigInt(1) << BigInt(63));
const INT64_MAX = (BigInt(1) << BigInt(63)) - BigInt(1);

/**
 * An int64 field. Strings keep every digit. A JSON number above 2^53 was already rounded by
 * JSON.parse, so for times (`exact`) it is refused rather than stored as a silent lie; attribute
 * values come from senders whose own numbers are doubles (the OTel JS JSON exporter writes them as
 * numbers), so there the double is taken as sent.
 */
function integer(value: unknown, path: string, exact = true): bigint {
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

function uint64(value: unknown, path: string): bigint {
  if (value === undefined || value === null) {
    return ZERO_NANOS;
  }
  const n = integer(value, path);
  if (n < ZERO_NANOS || n > UINT64_MAX) {
    throw new OtlpValidationError(path, `${n} is outside the unsigned 64-bit range`);
  }
  return n;
}

function int64(value: unknown, path: string): bigint {
  const n = integer(value, path, false);
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new OtlpValidationError(path, `${n} is outside the signed 64-bit range`);
  }
  return n;
}

/** Proto3 JSON writes non-finite doubles as strings. */
function doubleValue(value: unknown, path: string): number | string {
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

function bytesAsBase64(value: unknown, path: string): string {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
  }
  if (typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    return value;
  }
  throw new OtlpValidationError(path, `must be base64 bytes, got ${describe(value)}`);
}

/** Enum as an integer (the OTLP/JSON rule) or its proto name (tolerated, as proto3 JSON allows). */
function enumValue(value: unknown, prefix: string, names: readonly string[], path: string): number {
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

function describe(value: unknown): string {
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
