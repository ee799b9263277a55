import { CHECK_KINDS, type CheckDefinition } from '@osprey/model';

export const DEFAULT_CHECK_INTERVAL_MS = 30_000;
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;
/** A check name is a metric label value and a URL path segment. */
export const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const METHOD = /^[A-Z]+$/;

/**
 * The JSON schema of a check definition without its name (the body of `PUT /api/v1/checks/:name`,
 * and each entry of the config file's `checks` list, which adds `name`): shapes and ranges here,
 * what a schema cannot say (URL scheme by kind, timeout within interval) in `checkDefinition`.
 */
export const CHECK_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    kind: { type: 'string', enum: CHECK_KINDS },
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    method: { type: 'string', pattern: METHOD.source, maxLength: 16 },
    headers: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 }, maxProperties: 50 },
    expectedStatus: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'integer', minimum: 100, maximum: 599 },
    },
    bodyMatch: { type: 'string', minLength: 1, maxLength: 1024 },
    intervalMs: { type: 'integer', minimum: 1000, maximum: 86_400_000 },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 300_000 },
  },
} as const;

export class CheckDefinitionError extends Error {
  override readonly name: string = 'CheckDefinitionError';
}

type Body = Partial<Omit<CheckDefinition, 'name'>> & { url: string };

/**
 * A definition whose body already matched CHECK_BODY_SCHEMA → the check, with defaults; throws
 * CheckDefinitionError saying what is wrong. Kind defaults from the URL's scheme.
 */
export function checkDefinition(name: string, body: Body): CheckDefinition {
  if (!CHECK_NAME.test(name)) {
    throw new CheckDefinitionError(`check name must be 1-64 of letters, digits, _ . - (got ${JSON.stringify(name)})`);
  }
  let url: URL;
  try {
    url = new URL(body.url);
  } catch {
    throw new CheckDefinitionError(`check ${name}: url is not a URL: ${JSON.stringify(body.url)}`);
  }
  const kind = body.kind ?? (url.protocol === 'tcp:' ? 'tcp' : 'http');
  if (kind === 'http' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckDefinitionError(`check ${name}: an http check needs an http:// or https:// url, got ${body.url}`);
  }
  if (kind === 'tcp') {
    if (url.protocol !== 'tcp:' || url.port === '' || url.pathname.replace(/^\//, '') !== '' || url.search !== '') {
      throw new CheckDefinitionError(`check ${name}: a tcp check needs a url tcp://host:port, got ${body.url}`);
    }
    const httpOnly = (['method', 'headers', 'expectedStatus', 'bodyMatch'] as const).filter(
      (k) => body[k] !== undefined
    );
    if (httpOnly.length > 0) {
      throw new CheckDefinitionError(`check ${name}: ${httpOnly.join(', ')} apply to http checks only`);
    }
  }
  if (url.username !== '' || url.password !== '') {
    throw new CheckDefinitionError(
      `check ${name}: put credentials in headers, not in the url (it is shown and stored)`
    );
  }
  const intervalMs = body.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
  const timeoutMs = body.timeoutMs ?? Math.min(DEFAULT_CHECK_TIMEOUT_MS, intervalMs);
  if (timeoutMs > intervalMs) {
    throw new CheckDefinitionError(
      `check ${name}: timeoutMs (${timeoutMs}) must not exceed intervalMs (${intervalMs})`
    );
  }
  const definition: CheckDefinition = { name, kind, url: body.url, intervalMs, timeoutMs };
  if (kind === 'http') {
    definition.method = body.method ?? 'GET';
    for (const key of ['headers', 'expectedStatus', 'bodyMatch'] as const) {
      if (body[key] !== undefined) {
        Object.assign(definition, { [key]: body[key] });
      }
    }
  }
  return definition;
}
