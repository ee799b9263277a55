/** Synthetic checks: the status table (checks with their newest run and uptime) and the uptime timeline. */
import type { CheckRunsResponse } from '@osprey/model';
import { forkJoin, map, type Observable } from 'rxjs';

import { checkRunFrames, checkStatusFrame } from '../checks-frames';
import { filterValues } from '../params';
import type { OspreyQuery } from '../types';
import type { QueryContext, QueryHandler } from './context';

/** Runs read for one panel: a day of 30 s runs of 10 checks is 28,800. */
export const CHECK_RUNS_LIMIT = 10_000;

/** One check asks the backend for its runs only; several (a multi-value variable) are kept here. */
function runsOf(q: OspreyQuery, { client, from, to }: QueryContext): Observable<CheckRunsResponse> {
  const chosen = filterValues(q.check);
  const one = chosen?.length === 1 ? { check: chosen[0] } : {};
  return client
    .checkRuns({ from, to, limit: q.limit ?? CHECK_RUNS_LIMIT, ...one })
    .pipe(map(({ runs }) => ({ runs: chosen ? runs.filter((r) => chosen.includes(r.check)) : runs })));
}

export const checks: QueryHandler = (q, context) =>
  forkJoin([context.client.checks(), runsOf(q, context)]).pipe(
    map(([status, { runs }]) => {
      const chosen = filterValues(q.check);
      const listed = chosen ? status.checks.filter((c) => chosen.includes(c.definition.name)) : status.checks;
      return [checkStatusFrame(q.refId, listed, runs)];
    })
  );

export const checkRuns: QueryHandler = (q, context) =>
  runsOf(q, context).pipe(map(({ runs }) => checkRunFrames(q.refId, runs)));
