import type { ErrorObject } from 'ajv';

/**
 * Ajv's first complaint about a config-file list, named as the file spells it (`checks[0].url`),
 * with the allowed values when it was an enum, so the message says what to write instead.
 */
export function listError(list: string, errors: ErrorObject[] | null | undefined): Error {
  const [error] = errors ?? [];
  const where = error?.instancePath
    ? `${list}${error.instancePath.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`
    : list;
  const allowed =
    error?.keyword === 'enum' ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
  return new Error(`${where} ${error?.message ?? 'is invalid'}${allowed}`);
}
