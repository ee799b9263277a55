/**
 * The query a dashboard variable saves, shared by the variable support (variables.ts) and its
 * editor (components/VariableQueryEditor.tsx) so that neither imports the other.
 */
import { LIST_QUERY_TYPES, type ListQueryType } from '@osprey/model';

export interface OspreyVariableQuery {
  refId: string;
  type: ListQueryType;
  /** Instances and endpoints of this service (may itself be a variable, e.g. $service); empty = all. */
  service?: string;
}

/** A saved variable query: this shape, or the legacy text form ("services"), or nothing yet. */
export function toVariableQuery(raw: unknown): OspreyVariableQuery {
  if (typeof raw === 'string') {
    const type = LIST_QUERY_TYPES.find((t) => t === raw.trim()) ?? 'services';
    return { refId: 'variable', type };
  }
  const q = (raw ?? {}) as Partial<OspreyVariableQuery>;
  const type = LIST_QUERY_TYPES.find((t) => t === q.type) ?? 'services';
  return { refId: q.refId ?? 'variable', type, ...(q.service && type !== 'services' ? { service: q.service } : {}) };
}
