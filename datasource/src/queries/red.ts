/** RED metrics: one time series per group, per combination of the selected filters. */
import { ADHOC_FIELDS } from '@osprey/model';
import { forkJoin, map } from 'rxjs';

import { redToFrames } from '../frames';
import { redStep } from '../params';
import { fanOut, type QueryHandler } from './context';

export const red: QueryHandler = (q, { client, from, to, intervalMs, maxDataPoints }) => {
  const step = redStep(from, to, intervalMs, maxDataPoints);
  const groupBy = q.groupBy ?? 'service';
  return forkJoin(
    fanOut(q, ADHOC_FIELDS).map((filters) =>
      client
        .red({ from, to, step, groupBy, ...filters })
        .pipe(map((res) => redToFrames(q.refId, res, { from, to }, q.redMetrics)))
    )
  ).pipe(map((parts) => parts.flat()));
};
