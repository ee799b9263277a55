/** Switching query type keeps what still applies: the fields each type reads are model's QUERY_TYPES. */
import { QUERY_TYPES, queryTypeSpec, type OspreyQueryType, type QueryField } from '@osprey/model';

import type { OspreyQuery } from '../types';

const ALL_FIELDS = new Set(Object.values(QUERY_TYPES).flatMap((t): readonly QueryField[] => t.fields));

/** Thread-dump ids mean nothing to a histogram query and the other way round. */
const idFamily = (t: OspreyQueryType) =>
  t.startsWith('threadDump') ? 'threadDump' : t.startsWith('heap') ? 'heap' : t;

/** The query under a new type: fields the new type uses are kept, others dropped. */
export function switchQueryType(query: OspreyQuery, to: OspreyQueryType): OspreyQuery {
  const from = query.queryType ?? 'xlog';
  const next: OspreyQuery = { ...query, queryType: to };
  const keep = new Set(queryTypeSpec(to).fields);
  for (const field of ALL_FIELDS) {
    const idField = field === 'dumpId' || field === 'otherId';
    if (!keep.has(field) || (idField && idFamily(from) !== idFamily(to))) {
      delete next[field];
    }
  }
  return next;
}

export function usesField(type: OspreyQueryType | undefined, field: QueryField): boolean {
  return queryTypeSpec(type ?? 'xlog').fields.includes(field);
}
