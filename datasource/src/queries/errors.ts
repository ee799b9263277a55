/** Errors by type: the range's error types as one table, across the selected services and endpoints. */
import { compareErrorTypes, DEFAULT_ERROR_TYPES_LIMIT } from '@osprey/model';
import { forkJoin, map } from 'rxjs';

import { errorTypesToFrame } from '../error-frames';
import { fanOut, type QueryHandler } from './context';

export const errorTypes: QueryHandler = (q, { client, ref, from, to }) => {
  const limit = q.limit ?? DEFAULT_ERROR_TYPES_LIMIT;
  const requests = fanOut(q, ['service', 'endpoint']).map((filters) =>
    client.errorTypes({ from, to, limit, ...filters })
  );
  return forkJoin(requests).pipe(
    // Several services or endpoints are one list: merged in the backend's order, cut again. One
    // type failing two selected endpoints is a row per endpoint, each counting its own.
    // Every request covers the same range with the backend's default step, so the first one's steps are all's.
    map((answers) => [
      errorTypesToFrame(
        q.refId,
        answers
          .flatMap((a) => a.errorTypes)
          .sort(compareErrorTypes)
          .slice(0, limit),
        answers[0],
        ref
      ),
    ])
  );
};
