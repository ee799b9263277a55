/** RED metrics: one time series per group, per combination of the selected filters. */
import { ADHOC_FIELDS, DEFAULT_APDEX_T_MS } from '@osprey/model';
import { forkJoin, map } from 'rxjs';

import { redToFrames } from '../red-frames';
import { redStep } from '../params';
import { fanOut, type QueryHandler } from './context';

export const red: QueryHandler = (q, { client, from, to, intervalMs, maxDataPoints }) => {
  const step = redStep(from, to, intervalMs, maxDataPoints);
  const groupBy = q.groupBy ?? 'service';
  // The backend counts the Apdex only when asked: when the query draws it.
  const apdexT = q.redMetrics?.includes('apdex') ? (q.apdexT ?? DEFAULT_APDEX_T_MS) : undefined;
  return forkJoin(
    fanOut(q, ADHOC_FIELDS).map((filters) =>
      client
        .red({ from, to, step, groupBy, apdexT, ...filters, ...(q.redBand ? { band: true } : {}) })
        .pipe(map((res) => redToFrames(q.refId, res, { from, to }, q.redMetrics, q.redBand === true)))
    )
  ).pipe(map((parts) => parts.flat()));
};
