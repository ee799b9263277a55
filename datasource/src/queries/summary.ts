/** Endpoint / service summary: one table of the range, across the selected filters. */
import { ADHOC_FIELDS, compareSummaries, DEFAULT_SUMMARY_LIMIT } from '@osprey/model';
import { forkJoin, map } from 'rxjs';

import { summaryToFrame } from '../summary-frames';
import { fanOut, type QueryHandler } from './context';

export const summary: QueryHandler = (q, { client, from, to }) => {
  const groupBy = q.groupBy ?? 'endpoint';
  const limit = q.limit ?? DEFAULT_SUMMARY_LIMIT;
  const combinations = fanOut(q, ADHOC_FIELDS);
  const requests = combinations.map((filters) =>
    client.summary({ from, to, groupBy, apdexT: q.apdexT, limit, ...filters })
  );
  return forkJoin(requests).pipe(
    map((answers) => {
      // Several services or endpoints (multi-value variables) are one table, in the backend's order.
      const rows = answers.flatMap((a) => a.summaries).sort(compareSummaries('count'));
      const only = combinations.length === 1 ? combinations[0] : {};
      return [summaryToFrame(q.refId, rows.slice(0, limit), groupBy, only)];
    })
  );
};
