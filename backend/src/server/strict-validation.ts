import Ajv from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Fastify's default validator drops unknown keys of an `additionalProperties: false` object
 * (removeAdditional) instead of refusing them; a typo in a check definition must be a 400. Query
 * strings are text, so they alone are coerced to the schema's types.
 */
const strict = new Ajv({ allErrors: false, useDefaults: true });
const coercing = new Ajv({ allErrors: false, useDefaults: true, coerceTypes: true });
export const strictValidatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'querystring' ? coercing : strict).compile(schema);

/** The querystring schema of a read over a time window: required `from` and `to` (epoch ms), plus `more`. */
export function windowQuerystring<P extends Record<string, object>>(more: P) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: { from: { type: 'number' }, to: { type: 'number' }, ...more },
  } as const;
}
