/** Dashboard variables: services, instances of a service, endpoints of a service. */
import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import type { OspreyDataSource } from './datasource';
import { listToFrame } from './frames';
import { LIST_QUERY_TYPES, type ListQueryType } from './types';
import { VariableQueryEditor } from './components/VariableQueryEditor';

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

export class OspreyVariableSupport extends CustomVariableSupport<OspreyDataSource, OspreyVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: OspreyDataSource) {
    super();
  }

  query(request: DataQueryRequest<OspreyVariableQuery>): Observable<DataQueryResponse> {
    const q = toVariableQuery(request.targets[0]);
    return from(this.datasource.listValues(q.type, q.service, request.scopedVars)).pipe(
      map((values) => ({ data: [listToFrame(q.refId, q.type, values)] }))
    );
  }
}
