/** Dashboard variables: services, instances and endpoints of a service, hosts, snapshots of a host. */
import {
  CustomVariableSupport,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type ScopedVars,
} from '@grafana/data';
import { from, map, type Observable } from 'rxjs';

import type { OspreyDataSource } from './datasource';
import { listToFrame } from './frames';
import { variableOptionsToFrame } from './hosts/frames';
import { type OspreyVariableQuery, toVariableQuery } from './variable-query';
import { VariableQueryEditor } from './components/VariableQueryEditor';

export class OspreyVariableSupport extends CustomVariableSupport<OspreyDataSource, OspreyVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: OspreyDataSource) {
    super();
  }

  query(request: DataQueryRequest<OspreyVariableQuery>): Observable<DataQueryResponse> {
    const q = toVariableQuery(request.targets[0]);
    return from(this.frame(q, request.scopedVars)).pipe(map((frame) => ({ data: [frame] })));
  }

  private async frame(q: OspreyVariableQuery, scopedVars: ScopedVars): Promise<DataFrame> {
    switch (q.type) {
      case 'hosts': {
        const names = await this.datasource.hostNames();
        return variableOptionsToFrame(
          q.refId,
          q.type,
          names.map((name) => ({ text: name, value: name }))
        );
      }
      case 'hostSnapshots':
        return variableOptionsToFrame(
          q.refId,
          q.type,
          await this.datasource.hostSnapshotOptions(q.host ?? '', q.olderThan, scopedVars)
        );
      default:
        return listToFrame(q.refId, q.type, await this.datasource.listValues(q.type, q.service, scopedVars));
    }
  }
}
