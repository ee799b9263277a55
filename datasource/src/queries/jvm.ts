/** JVM queries: thread dumps and heap histograms, one, a list, or the diff of two. */
import type { JvmQueryType } from '@osprey/model';
import { map, type Observable, of, switchMap, throwError } from 'rxjs';

import { instanceParams, type JvmTarget } from '@osprey/plugin-kit';

import { jvmTarget } from '../jvm/api';
import {
  heapHistogramDiffToFrame,
  heapHistogramToFrame,
  threadDumpDiffToFrame,
  threadDumpListToFrame,
  threadDumpToFrame,
} from '../jvm/frames';
import type { QueryHandler } from './context';

/** Thread dumps a list query shows when it sets no limit. */
const DEFAULT_DUMP_LIST_LIMIT = 500;

/** The two ids to compare: both given (older first), or the latest two of the instance. */
function pairOfIds(t: JvmTarget, latest: () => Observable<Array<{ id: string }>>): Observable<[string, string]> {
  if (t.dumpId && t.otherId) {
    return of([t.dumpId, t.otherId]);
  }
  if (!t.service || !t.instance) {
    return throwError(() => new Error('Choose a service and an instance, or give both ids to compare'));
  }
  return latest().pipe(
    map((newestFirst): [string, string] => {
      if (newestFirst.length < 2) {
        throw new Error(`${t.service}/${t.instance} has ${newestFirst.length} capture(s); a comparison needs two`);
      }
      return [newestFirst[1].id, newestFirst[0].id];
    })
  );
}

export const JVM_HANDLERS: Record<JvmQueryType, QueryHandler> = {
  threadDumps: (q, { client, from, to }) =>
    client
      .threadDumps({ ...instanceParams(jvmTarget(q)), from, to, limit: q.limit ?? DEFAULT_DUMP_LIST_LIMIT })
      .pipe(map((res) => [threadDumpListToFrame(q.refId, res.threadDumps)])),

  threadDump: (q, { client }) =>
    client.threadDump(jvmTarget(q)).pipe(map((dump) => [threadDumpToFrame(q.refId, dump)])),

  threadDumpDiff: (q, { client }) => {
    const t = jvmTarget(q);
    const latest = () => client.threadDumps({ ...instanceParams(t), limit: 2 }).pipe(map((res) => res.threadDumps));
    return pairOfIds(t, latest).pipe(
      switchMap(([a, b]) =>
        client
          .threadDumpDiff(a, b)
          .pipe(
            map((diff) => [threadDumpDiffToFrame(q.refId, diff, { a, b, service: t.service, instance: t.instance })])
          )
      )
    );
  },

  heapHistogram: (q, { client }) =>
    client.heapHistogram(jvmTarget(q)).pipe(map((histogram) => [heapHistogramToFrame(q.refId, histogram)])),

  heapHistogramDiff: (q, { client }) => {
    const t = jvmTarget(q);
    const latest = () =>
      client.heapHistograms({ ...instanceParams(t), limit: 2 }).pipe(map((res) => res.heapHistograms));
    return pairOfIds(t, latest).pipe(
      switchMap(([a, b]) =>
        client.heapHistogramDiff(a, b).pipe(map((diff) => [heapHistogramDiffToFrame(q.refId, diff, { a, b })]))
      )
    );
  },
};
