/** The health hierarchy of the time range as a tree table, optionally focused on one node (drill-down). */
import { map } from 'rxjs';

import { hierarchyFrame } from '../hierarchy-frame';
import type { QueryHandler } from './context';

export const hierarchy: QueryHandler = (q, { client, from, to }) =>
  client
    .hierarchy({ from, to, by: q.hierarchyBy ?? 'workload' })
    .pipe(map((res) => [hierarchyFrame(q.refId, res.roots, q.focus || undefined)]));
