/** SQL statistics: the top statements of the range as one table, across the selected filters. */
import { ADHOC_FIELDS, compareSqlStatements, DEFAULT_SQL_STATISTICS_LIMIT } from '@osprey/model';
import { forkJoin, map } from 'rxjs';

import { sqlStatisticsToFrame } from '../sql-frames';
import { fanOut, type QueryHandler } from './context';

export const sqlStatistics: QueryHandler = (q, { client, from, to }) => {
  const sort = q.sqlSort ?? 'totalTime';
  const limit = q.limit ?? DEFAULT_SQL_STATISTICS_LIMIT;
  const combinations = fanOut(q, ADHOC_FIELDS);
  return forkJoin(combinations.map((filters) => client.sqlStatistics({ from, to, sort, limit, ...filters }))).pipe(
    map((answers) => {
      // Several services (a multi-value variable) are one top-N: merged in the backend's order, cut again.
      const statements = answers.flatMap((a) => a.statements).sort(compareSqlStatements(sort));
      const only = combinations.length === 1 ? combinations[0] : {};
      return [sqlStatisticsToFrame(q.refId, statements.slice(0, limit), only)];
    })
  );
};
