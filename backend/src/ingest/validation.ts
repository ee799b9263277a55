/**
 * Checks of the ingest formats that are not ours (Zipkin JSON, OTLP); our own JSON bodies have
 * schemas in `@osprey/model`. Each
 * throws BatchValidationError naming the path of the first bad value, e.g. `spans[3].traceId: not
 * hex`, and the route rejects the whole batch with 400.
 */
export class BatchValidationError extends Error {
  override readonly name: string = 'BatchValidationError';

  constructor(
    readonly path: string,
    reason: string
  ) {
    super(path ? `${path}: ${reason}` : reason);
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'object') {
    return 'an object';
  }
  return `${typeof value} ${String(value)}`;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new BatchValidationError(path, `must be an array, got ${describe(value)}`);
  }
  return value;
}

export function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BatchValidationError(path, `must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new BatchValidationError(path, `must be a string, got ${describe(value)}`);
  }
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, path);
}

export function integerIn(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BatchValidationError(path, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * A hex id of `1..digits` digits, left-padded with zeros to `digits` and lowercased (Zipkin's own
 * normalisation: a 64-bit trace id is the low half of a 128-bit one). All zeros is no id.
 */
export function hexId(value: unknown, path: string, digits: number, minDigits = digits): string {
  const s = asString(value, path);
  if (!HEX.test(s)) {
    throw new BatchValidationError(path, `not hex: ${describe(s)}`);
  }
  if (s.length < minDigits || s.length > digits) {
    const expected = minDigits === digits ? `${digits}` : `${minDigits} to ${digits}`;
    throw new BatchValidationError(path, `must be ${expected} hex digits, got ${s.length}`);
  }
  if (/^0+$/.test(s)) {
    throw new BatchValidationError(path, 'must not be all zeros');
  }
  return s.padStart(digits, '0').toLowerCase();
}
