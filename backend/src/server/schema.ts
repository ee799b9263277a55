import { ErrorResponseSchema, type TSchema } from '@osprey/model';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema';

import { describe } from '../ingest/validation';
import { HttpError } from './errors';

/**
 * Route schemas: how the backend checks requests against the contract's JSON Schemas (`@osprey/model`)
 * and words the 400s. Query strings and path parameters arrive as text and are coerced to the
 * schema's types; bodies are not (a `"5"` for a number is the sender's bug). Unknown keys are refused,
 * never dropped: Fastify's default Ajv options would drop them silently.
 */
const OPTIONS = { removeAdditional: false, useDefaults: true, verbose: true, strict: true } as const;
// 'array': a repeated query parameter arrives as an array, a single one as a string; an array schema takes both.
const coercing = new Ajv({ ...OPTIONS, allErrors: false, coerceTypes: 'array' });
// Bodies collect every error so the one reported is the first in the body's own order (see
// firstError): Ajv checks `required` before the values, and senders fix batches top to bottom.
const exact = new Ajv({ ...OPTIONS, allErrors: true, coerceTypes: false });
// `format: binary` is OpenAPI's word for a raw body; such bodies never reach Ajv (see below).
exact.addFormat('binary', true);

/** A body the route decodes itself (protobuf, gzip, dumps): documented by its schema, not validated here. */
export const RAW_BODY = { type: 'string', format: 'binary' } as const;

/**
 * Marks a JSON body schema the route checks itself (an OpenAPI `x-` extension, which Ajv never sees):
 * for bodies whose hand-worded refusals clients already rely on.
 */
export const CHECKED_BY_ROUTE = 'x-checked-by-route';

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  if (httpPart === 'body') {
    const raw = schema as { format?: string; [CHECKED_BY_ROUTE]?: boolean };
    if (raw.format === 'binary' || raw[CHECKED_BY_ROUTE]) {
      return () => true;
    }
    return firstError(exact.compile(schema), schema);
  }
  return coercing.compile(schema) as ValidateFunction;
};

type Node = { items?: Node; properties?: Record<string, Node> };

/** Where an error is: its instance path, plus the property a `required` / `additionalProperties` names. */
function segments(error: ErrorObject): string[] {
  const path = error.instancePath.split('/').slice(1);
  const extra = (error.params.missingProperty ?? error.params.additionalProperty) as string | undefined;
  return extra === undefined ? path : [...path, extra];
}

/** Body order: array items by index, an object's fields in schema order, unknown fields first. */
function compare(a: string[], b: string[], schema: Node | undefined): number {
  for (let i = 0, node = schema; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      if (/^\d+$/.test(a[i]) && /^\d+$/.test(b[i])) {
        return Number(a[i]) - Number(b[i]);
      }
      const order = Object.keys(node?.properties ?? {});
      return order.indexOf(a[i]) - order.indexOf(b[i]);
    }
    node = /^\d+$/.test(a[i]) ? node?.items : node?.properties?.[a[i]];
  }
  return a.length - b.length;
}

/** A validator whose `errors` is the single first error in body order. */
function firstError(validate: ValidateFunction, schema: TSchema): ValidateFunction {
  const checked = ((data: unknown) => {
    const valid = validate(data);
    const errors = validate.errors ?? [];
    checked.errors = valid
      ? null
      : [errors.reduce((first, e) => (compare(segments(e), segments(first), schema as Node) < 0 ? e : first))];
    return valid;
  }) as ValidateFunction;
  return checked;
}

/** The answers a route documents: its success body, and `{error, message}` for every refusal. */
export function answers(ok: TSchema, status = 200): Record<string, TSchema> {
  return { [status]: ok, '4xx': ErrorResponseSchema, '5xx': ErrorResponseSchema };
}

type Described = { description?: string; type?: string; minimum?: number; maximum?: number };

const NOUNS: Record<string, string> = {
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

function range(schema: Described): string {
  if (schema.maximum !== undefined) {
    return `must be an integer from ${schema.minimum ?? '-∞'} to ${schema.maximum}`;
  }
  const unit = schema.description ? ` of ${schema.description}` : '';
  return `must be a whole number${unit} >= ${schema.minimum ?? '-∞'}`;
}

/** Why one value failed, in the words the API has always used. */
function reason(error: ErrorObject, inQuery: boolean): string {
  const schema = (error.parentSchema ?? {}) as Described;
  const got = inQuery ? '' : `, got ${describe(error.data)}`;
  switch (error.keyword) {
    case 'required': {
      const property = ((schema as { properties?: Record<string, Described> }).properties ?? {})[
        error.params.missingProperty as string
      ];
      if (inQuery) {
        return property?.description ? `required (${property.description})` : 'required';
      }
      return `must be ${NOUNS[property?.type ?? ''] ?? 'given'}, got nothing`;
    }
    case 'additionalProperties':
      return inQuery ? 'unknown parameter' : 'unknown field';
    case 'type':
      if (inQuery && Array.isArray(error.data)) {
        return 'must be given once';
      }
      if (schema.type === 'integer' && schema.minimum !== undefined) {
        return `${range(schema)}${got}`;
      }
      return `must be ${NOUNS[String(error.params.type)] ?? String(error.params.type)}, got ${describe(error.data)}`;
    case 'minimum':
    case 'maximum':
      if (schema.type === 'integer') {
        return `${range(schema)}${got}`;
      }
      return `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${String(error.params.limit)}, got ${String(error.data)}`;
    case 'minLength':
      return 'must not be empty';
    case 'maxLength':
      return `must be at most ${String(error.params.limit)} characters`;
    case 'pattern':
      return schema.description ? `must be ${schema.description}${got}` : `must match ${String(error.params.pattern)}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as string[]).join(', ')}, got ${describe(error.data)}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** `/1/elapsed` under root `transactions` → `transactions[1].elapsed`. */
function bodyPath(root: string, error: ErrorObject): string {
  return segments(error).reduce(
    (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment),
    root
  );
}

/**
 * Fastify's `schemaErrorFormatter`: the first failed check as a 400 naming where it is, e.g.
 * `query parameter "limit": must be an integer from 1 to 1000000` or
 * `transactions[3].traceId: must be 32 hex digits, got "xyz"`. `bodyRoot` names a body's top level.
 */
export function schemaErrorFormatter(bodyRoot = 'body') {
  return (errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error => {
    const error = errors[0] as ErrorObject;
    if (dataVar === 'body') {
      const path = bodyPath(bodyRoot, error);
      return new HttpError(400, 'bad_request', `${path || bodyRoot || 'body'}: ${reason(error, false)}`);
    }
    const name = String(error.params.missingProperty ?? error.params.additionalProperty ?? error.instancePath.slice(1));
    const where = dataVar === 'params' ? 'path parameter' : dataVar === 'querystring' ? 'query parameter' : dataVar;
    return new HttpError(400, 'bad_request', `${where} "${name}": ${reason(error, true)}`);
  };
}

/** The querystring schema of a read over a time window: required `from` and `to` (epoch ms), plus `more`. */
export function windowQuerystring<P extends Record<string, object>>(more: P) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: { from: { type: 'number' }, to: { type: 'number' }, ...more },
  } as const;
}

/**
 * A checker of JSON that arrives inside another body (a bundle's files): the same Ajv options and
 * 400 wording as a route body, the path rooted at `root` (e.g. `spans.json[3].traceId: …`).
 */
export function jsonChecker<T>(schema: TSchema | object, root: string): (value: unknown) => T {
  const validate = firstError(exact.compile(schema), schema as TSchema);
  const refusal = schemaErrorFormatter(root);
  return (value) => {
    if (!validate(value)) {
      throw refusal(validate.errors as FastifySchemaValidationError[], 'body');
    }
    return value as T;
  };
}
