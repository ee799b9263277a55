import { dateTime, type DataFrame, type DataQuery, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import type { QueryFieldsOf } from '@osprey/model';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';

import type { DataBox } from './selection';
import { BOX_FETCH_LIMIT } from './types';

/** An Osprey XLOG query, in the fields of the contract (model's QUERY_TYPES.xlog). */
type XlogQuery = DataQuery & { queryType: 'xlog' } & QueryFieldsOf<'xlog'>;

/**
 * The query that lists a box's transactions: the panel's own XLOG query (same filters), narrowed to
 * the box's time range and elapsed range, asking for rows with every field. The panel trims to the
 * box either way (the time range is widened to whole milliseconds).
 */
export function boxRequest(request: DataQueryRequest, box: DataBox): DataQueryRequest<XlogQuery> {
  const target = (request.targets.find((t) => !t.hide) ?? request.targets[0]) as XlogQuery;
  const from = dateTime(Math.floor(box.from));
  const to = dateTime(Math.ceil(box.to));
  return {
    ...request,
    requestId: `${request.requestId}-box`,
    range: { from, to, raw: { from, to } },
    targets: [
      {
        ...target,
        refId: 'box',
        queryType: 'xlog',
        mode: 'rows',
        columns: 'all',
        live: false,
        limit: BOX_FETCH_LIMIT,
        ...(box.low > 0 ? { minElapsed: Math.floor(box.low) } : {}),
        ...(Number.isFinite(box.high) ? { maxElapsed: Math.ceil(box.high) } : {}),
      },
    ],
  };
}

/** Runs the box query on the panel's datasource and returns its frames (the caller filters to the box). */
export async function fetchBoxFrames(request: DataQueryRequest, box: DataBox): Promise<DataFrame[]> {
  const query = boxRequest(request, box);
  const ref = query.targets[0].datasource ?? request.targets[0]?.datasource;
  const ds = await getDataSourceSrv().get(ref);
  const answer = ds.query(query as DataQueryRequest) as Observable<DataQueryResponse> | Promise<DataQueryResponse>;
  const response = isObservable(answer) ? await lastValueFrom(answer) : await answer;
  const failure = response.errors?.[0] ?? response.error;
  if (failure) {
    throw new Error(failure.message ?? 'the query for the selected box failed');
  }
  return response.data as DataFrame[];
}
