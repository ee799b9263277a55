import type { CheckDefinition } from '@osprey/model';
import Ajv from 'ajv';

import { listError } from '../config/list-error';
import { CHECK_BODY_SCHEMA, checkDefinition } from './definition';

/** The config file's `checks` list: each entry a route body plus its `name`. */
const CHECK_LIST_SCHEMA = {
  type: 'array',
  maxItems: 1000,
  items: {
    ...CHECK_BODY_SCHEMA,
    required: ['name', ...CHECK_BODY_SCHEMA.required],
    properties: { name: { type: 'string' }, ...CHECK_BODY_SCHEMA.properties },
  },
};

const validateList = new Ajv({ allErrors: false }).compile(CHECK_LIST_SCHEMA);

/**
 * The config file's `checks` → definitions, by the rules the admin API applies; throws an Error
 * naming the entry (the config reader turns it into a ConfigError).
 */
export function parseCheckList(value: unknown): CheckDefinition[] {
  if (!validateList(value)) {
    throw listError('checks', validateList.errors);
  }
  const entries = value as Array<{ name: string } & Parameters<typeof checkDefinition>[1]>;
  const names = new Set<string>();
  return entries.map(({ name, ...body }) => {
    if (names.has(name)) {
      throw new Error(`checks: two checks named ${JSON.stringify(name)}`);
    }
    names.add(name);
    return checkDefinition(name, body);
  });
}
