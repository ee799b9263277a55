/** RED metrics: one time series per group, per combination of the selected filters. */
import { forkJoin, map } from 'rxjs';

import { redToFrames } from '../frames';
import { redStep } from '../params';
import { ALL_FILTERS, fanOut, type QueryHandler } from './context';

export const red: QueryHandler = (q, { client, from, to, intervalMs, maxDataPoints }) => {
  const step = redStep(from, to, intervalMs, maxDataPoints);
  const groupBy = q.groupBy ?? 'service';
  return forkJoin(
    fanOut(q, ALL_FILTERS).map((filters) =>
      client
        .red({ from, to, step, groupBy, ...filters, ...(q.redBand ? { band: true } : {}) })
        .pipe(map((res) => redToFrames(q.refId, res, { from, to }, q.redMetrics, q.redBand === true)))
    )
  ).pipe(map((parts) => parts.flat()));
};
