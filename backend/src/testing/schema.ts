import type { Static, TSchema } from '@osprey/model';

import { nullAsAbsent } from '../ingest/body';
import { schemaErrorFormatter, validatorCompiler } from '../server/schema';

/**
 * A raw query string or body through a route's schema the way Fastify runs it (coercion, defaults, the
 * 400 wording), for table tests of parameter checks without a server.
 */
export function checkedQuery<S extends TSchema>(schema: S, raw: Record<string, unknown>): Static<S> {
  return checked(schema, 'querystring', structuredClone(raw), schemaErrorFormatter());
}

/** A JSON body through a route's body schema as `jsonBodies` and Fastify run it (nulls dropped, no coercion). */
export function checkedBody<S extends TSchema>(schema: S, bodyRoot: string, body: unknown): Static<S> {
  const parsed: unknown = JSON.parse(JSON.stringify(body) ?? 'null', nullAsAbsent);
  return checked(schema, 'body', parsed, schemaErrorFormatter(bodyRoot));
}

function checked<S extends TSchema>(
  schema: S,
  httpPart: 'querystring' | 'body',
  data: unknown,
  format: ReturnType<typeof schemaErrorFormatter>
): Static<S> {
  const validate = validatorCompiler({ schema, method: 'GET', url: '/', httpPart }) as ((data: unknown) => boolean) & {
    errors?: unknown[];
  };
  if (!validate(data)) {
    throw format(validate.errors as never, httpPart);
  }
  return data as Static<S>;
}
