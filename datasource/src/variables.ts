/** Dashboard variables: services, instances of a service, endpoints of a service. */
import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import type { OspreyDataSource } from './datasource';
import { listToFrame } from './frames';
import { type OspreyVariableQuery, toVariableQuery } from './variable-query';
import { VariableQueryEditor } from './components/VariableQueryEditor';

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
