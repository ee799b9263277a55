/** Active services: the in-flight equalizer, one frame per selected service. */
import { forkJoin, map } from 'rxjs';

import { activeToFrame } from '../frames';
import { fanOut, type QueryHandler } from './context';

export const active: QueryHandler = (q, { client }) =>
  forkJoin(
    fanOut(q, ['service']).map((filters) =>
      client.active(filters.service).pipe(map((res) => activeToFrame(q.refId, res)))
    )
  );
