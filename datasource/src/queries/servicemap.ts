/** The service map as Node Graph frames, focused on the selected services; Apdex at the query's T. */
import { map } from 'rxjs';

import { focusServiceMap, serviceMapToFrames } from '../servicemap-frames';
import { filterValues } from '../params';
import type { QueryHandler } from './context';

export const serviceMap: QueryHandler = (q, { client, ref, from, to }) => {
  const services = filterValues(q.service);
  return client
    .serviceMap({ from, to, apdexT: q.apdexT })
    .pipe(map((res) => serviceMapToFrames(q.refId, focusServiceMap(res, services), ref)));
};
