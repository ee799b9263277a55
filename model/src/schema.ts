import { type SchemaOptions, type TUnsafe, Type } from '@sinclair/typebox';

/**
 * Building blocks of the contract's JSON Schemas (TypeBox: the schema is the value, the TS type is
 * `Static<typeof schema>`). A `description` is a noun phrase saying what the value is ("epoch
 * milliseconds", "32 hex digits"): the backend's error messages and the OpenAPI document both read it.
 */

/** A string out of a fixed list, as one JSON Schema `enum` (one clear error, unlike a union of literals). */
export function StringEnum<T extends string>(values: readonly T[], options: SchemaOptions = {}): TUnsafe<T> {
  return Type.Unsafe<T>({ ...options, type: 'string', enum: [...values] });
}

export const EpochMs = (options: SchemaOptions = {}) =>
  Type.Number({ description: 'epoch milliseconds', minimum: 0, maximum: MAX_EPOCH_MS, ...options });

/** A duration, ms, never negative. */
export const Millis = (options: SchemaOptions = {}) => Type.Number({ minimum: 0, ...options });

export const NonEmpty = (options: SchemaOptions = {}) => Type.String({ minLength: 1, ...options });

/** A hex id of exactly `digits` digits, not all zeros (any case; answers carry it lowercased). */
export const HexId = (digits: number, options: SchemaOptions = {}) =>
  Type.String({
    pattern: `^(?!0+$)[0-9a-fA-F]{${digits}}$`,
    description: `${digits} hex digits, not all zeros`,
    ...options,
  });

/** Largest Apdex T: ten minutes; a larger T counts every request satisfied. */
export const MAX_APDEX_T_MS = 600_000;

/** An Apdex threshold T, ms: satisfied at most T, tolerating at most 4T. */
export const ApdexT = (options: SchemaOptions = {}) =>
  Type.Number({ exclusiveMinimum: 0, maximum: MAX_APDEX_T_MS, description: 'milliseconds, more than 0', ...options });

/** A count that fits the stores' 32-bit integer columns. */
export const Count = (options: SchemaOptions = {}) => Type.Integer({ minimum: 0, maximum: INT32_MAX, ...options });

/** Largest epoch millisecond a JavaScript Date can hold; beyond it a time is an overflow, not a date. */
export const MAX_EPOCH_MS = 8.64e15;
export const INT32_MAX = 2 ** 31 - 1;

/** An object schema that refuses keys it does not define, so a misspelt field is an error, not lost. */
export const Strict = <T extends Parameters<typeof Type.Object>[0]>(properties: T, options: SchemaOptions = {}) =>
  Type.Object(properties, { ...options, additionalProperties: false });

export type { Static, TSchema } from '@sinclair/typebox';
