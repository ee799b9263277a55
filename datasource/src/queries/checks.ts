/** Synthetic checks: the status table (checks with their newest run and uptime) and the uptime timeline. */
import type { CheckRunsResponse } from '@osprey/model';
import { forkJoin, map, type Observable } from 'rxjs';

import { checkRunFrames, checkStatusFrame } from '../checks-frames';
import type { OspreyQuery } from '../types';
import type { QueryContext, QueryHandler } from './context';

/** Runs read for one panel: a day of 30 s runs of 10 checks is 28,800. */
export const CHECK_RUNS_LIMIT = 10_000;

function runsOf(q: OspreyQuery, { client, from, to }: QueryContext): Observable<CheckRunsResponse> {
  return client.checkRuns({ from, to, limit: q.limit ?? CHECK_RUNS_LIMIT, ...(q.check ? { check: q.check } : {}) });
}

export const checks: QueryHandler = (q, context) =>
  forkJoin([context.client.checks(), runsOf(q, context)]).pipe(
    map(([status, { runs }]) => {
      const listed = q.check ? status.checks.filter((c) => c.definition.name === q.check) : status.checks;
      return [checkStatusFrame(q.refId, listed, runs)];
    })
  );

export const checkRuns: QueryHandler = (q, context) =>
  runsOf(q, context).pipe(map(({ runs }) => checkRunFrames(q.refId, runs)));
