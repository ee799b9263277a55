/** Traces by id (also what an exemplar link opens): one trace frame per id. */
import { forkJoin, map } from 'rxjs';

import { traceToFrame } from '../trace-frame';
import { filterValues } from '../params';
import type { QueryHandler } from './context';

export const trace: QueryHandler = (q, { client }) => {
  const ids = filterValues(q.traceId);
  if (!ids) {
    throw new Error('a trace query needs a trace id');
  }
  return forkJoin(ids.map((id) => client.trace(id).pipe(map((t) => traceToFrame(q.refId, t)))));
};
