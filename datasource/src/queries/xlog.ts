/** XLOG: the Arrow window as frames, once or live. */
import { LoadingState, type DataFrame, type DataQueryError, type DataQueryResponse } from '@grafana/data';
import { ADHOC_FIELDS, XLOG_COLUMN_SETS, type TransactionColumn } from '@osprey/model';
import { catchError, exhaustMap, forkJoin, map, type Observable, of, timer } from 'rxjs';

import { describeFetchError } from '@osprey/plugin-kit';
import { densityToFrame } from '../frames';
import { LIVE_MAX_ROWS, LIVE_POLL_MS, LiveWindow } from '../live';
import { transactionParams } from '../params';
import type { OspreyQuery } from '../types';
import { keepRows, textAt, windowToFrame } from '../window-frame';
import { fanOut, type QueryContext, type QueryHandler } from './context';

/**
 * The query string of a window request: the query's filters and its column set; the `status =
 * error` ad hoc filter is the backend's errorsOnly.
 */
function windowParams(
  q: OspreyQuery,
  from: number,
  to: number,
  status: QueryContext['status'],
  extra: TransactionColumn[] = []
) {
  const params = transactionParams(status === 'error' ? { ...q, errorsOnly: true } : q, from, to);
  const set = XLOG_COLUMN_SETS[q.columns ?? 'dots'];
  if (q.columns !== 'all' || extra.length > 0) {
    params.columns = [...new Set([...set, ...extra])].join(',');
  }
  return params;
}

/** `status = ok` has no backend filter (errorsOnly covers `error`), so it is applied to the rows. */
function keepStatus(frame: DataFrame, status: QueryContext['status']): DataFrame {
  if (status !== 'ok') {
    return frame;
  }
  const field = frame.fields.find((f) => f.name === 'status');
  return keepRows(frame, (i) => textAt(field, i) === 'ok');
}

/**
 * The XLOG window as Arrow frames (one per combination of multi-value filters: the panel joins
 * frames), or density grids when the backend chose them.
 */
export const xlog: QueryHandler = (q, { client, ref, from, to, status }) => {
  const base = windowParams(q, from, to, status);
  const requests = fanOut(q, ADHOC_FIELDS).map((filters) => client.window({ ...base, ...filters }));
  return forkJoin(requests).pipe(
    map((answers) => {
      const densities = answers.flatMap((a) => ('density' in a ? [a.density] : []));
      if (densities.length > 0) {
        return densities.map((density) => densityToFrame(q.refId, density));
      }
      return answers.map((a) => keepStatus(windowToFrame(q.refId, (a as { bytes: ArrayBuffer }).bytes, ref), status));
    })
  );
};

/**
 * Live XLOG (query option `live`): the range's transactions first, then every LIVE_POLL_MS the ones
 * that ended since the newest seen (less the overlap, see live.ts), until the panel unsubscribes.
 * Each poll's new rows are a frame of their own, so the panel reads only what is new; packets
 * carry the window's frames under the query's key, with LoadingState.Streaming. A failed poll
 * is reported and the next poll tries again.
 */
export function liveXlog(q: OspreyQuery, { client, ref, from, status }: QueryContext): Observable<DataQueryResponse> {
  const maxRows = Math.min(q.limit && q.limit > 0 ? q.limit : LIVE_MAX_ROWS, LIVE_MAX_ROWS);
  const live = new LiveWindow(maxRows, from);
  const combos = fanOut(q, ADHOC_FIELDS);
  const packet = (error?: DataQueryError): DataQueryResponse => ({
    data: live.data(),
    key: q.refId,
    state: LoadingState.Streaming,
    ...(error ? { error, errors: [error] } : {}),
  });
  return timer(0, LIVE_POLL_MS).pipe(
    exhaustMap(() => {
      const to = Math.max(Date.now(), live.cursor());
      const base = windowParams(q, live.cursor(), to, status, ['endTime', 'spanId']);
      return forkJoin(combos.map((filters) => client.window({ ...base, ...filters }))).pipe(
        map((answers) => {
          for (const answer of answers) {
            if ('bytes' in answer) {
              live.add(keepStatus(windowToFrame(q.refId, answer.bytes, ref), status));
            }
          }
          return packet();
        }),
        catchError((err: unknown) =>
          of(packet({ refId: q.refId, message: `Query ${q.refId}: ${describeFetchError(err, 'live XLOG poll')}` }))
        )
      );
    })
  );
}
