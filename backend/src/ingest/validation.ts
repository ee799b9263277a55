/**
 * Shared checks of the JSON ingest formats (Zipkin, native transactions, active snapshots). Each
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

export function nonEmptyString(value: unknown, path: string): string {
  const s = asString(value, path);
  if (s === '') {
    throw new BatchValidationError(path, 'must not be empty');
  }
  return s;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, path);
}

export function finiteNumber(value: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new BatchValidationError(path, `must be a finite number, got ${describe(value)}`);
  }
  if (value < min) {
    throw new BatchValidationError(path, `must be >= ${min}, got ${value}`);
  }
  if (value > max) {
    throw new BatchValidationError(path, `must be <= ${max}, got ${value}`);
  }
  return value;
}

/** Largest epoch millisecond a JavaScript Date can hold; beyond it a time is an overflow, not a date. */
export const MAX_EPOCH_MS = 8.64e15;

export function integerIn(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BatchValidationError(path, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new BatchValidationError(path, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
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

/** Rejects keys a strict format does not define, so a typo is not silently dropped. */
export function onlyKeys(object: Record<string, unknown>, path: string, known: ReadonlySet<string>): void {
  for (const key of Object.keys(object)) {
    if (!known.has(key)) {
      throw new BatchValidationError(path ? `${path}.${key}` : key, 'unknown field');
    }
  }
}
