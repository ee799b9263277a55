/** Services, instances and endpoints: one-column lists, for panels, variables and the editors. */
import type { ListQueryType } from '@osprey/model';
import { forkJoin, map, type Observable } from 'rxjs';

import type { OspreyClient } from '@osprey/plugin-kit';
import { listToFrame } from '../frames';
import { filterValues } from '../params';
import type { OspreyQuery } from '../types';
import type { QueryHandler } from './context';

const LISTS: Record<ListQueryType, (client: OspreyClient, service?: string) => Observable<string[]>> = {
  services: (client) => client.services().pipe(map((res) => res.services)),
  instances: (client, service) => client.instances(service).pipe(map((res) => res.instances)),
  endpoints: (client, service) => client.endpoints(service).pipe(map((res) => res.endpoints)),
};

/** The sorted values; instances and endpoints per selected service (all services when none is). */
export function listValues(client: OspreyClient, type: ListQueryType, q: OspreyQuery): Observable<string[]> {
  const services = type === 'services' ? undefined : filterValues(q.service);
  return forkJoin((services ?? [undefined]).map((service) => LISTS[type](client, service))).pipe(
    map((lists) => [...new Set(lists.flat())].sort())
  );
}

const list =
  (type: ListQueryType): QueryHandler =>
  (q, { client }) =>
    listValues(client, type, q).pipe(map((values) => [listToFrame(q.refId, type, values)]));

export const LIST_HANDLERS: Record<ListQueryType, QueryHandler> = {
  services: list('services'),
  instances: list('instances'),
  endpoints: list('endpoints'),
};
