/**
 * The query a dashboard variable saves, shared by the variable support (variables.ts) and its
 * editor (components/VariableQueryEditor.tsx) so that neither imports the other.
 */
import { LIST_QUERY_TYPES, type ListQueryType } from '@osprey/model';

/** What a variable lists: services, instances, endpoints, hosts, or the snapshots of a host. */
export type VariableType = ListQueryType | 'hosts' | 'hostSnapshots';

export const VARIABLE_TYPES: readonly VariableType[] = [...LIST_QUERY_TYPES, 'hosts', 'hostSnapshots'];

export interface OspreyVariableQuery {
  refId: string;
  type: VariableType;
  /** Instances and endpoints of this service (may itself be a variable, e.g. $service); empty = all. */
  service?: string;
  /** hostSnapshots: the snapshots of this host (may be a variable, e.g. $host). */
  host?: string;
  /**
   * hostSnapshots: only those older than this snapshot id (e.g. $after), so a compare's older
   * variable defaults to the snapshot just before the newer one.
   */
  olderThan?: string;
}

/** Which types read `service` and which `host`. */
export const usesService = (type: VariableType) => type === 'instances' || type === 'endpoints';
export const usesHost = (type: VariableType) => type === 'hostSnapshots';

/** A saved variable query: this shape, or the legacy text form ("services"), or nothing yet. */
export function toVariableQuery(raw: unknown): OspreyVariableQuery {
  if (typeof raw === 'string') {
    const type = VARIABLE_TYPES.find((t) => t === raw.trim()) ?? 'services';
    return { refId: 'variable', type };
  }
  const q = (raw ?? {}) as Partial<OspreyVariableQuery>;
  const type = VARIABLE_TYPES.find((t) => t === q.type) ?? 'services';
  return {
    refId: q.refId ?? 'variable',
    type,
    ...(q.service && usesService(type) ? { service: q.service } : {}),
    ...(q.host && usesHost(type) ? { host: q.host } : {}),
    ...(q.olderThan && usesHost(type) ? { olderThan: q.olderThan } : {}),
  };
}
