import type { ActiveInstance, ActiveResponse, ActiveThread } from '@osprey/model';

import {
  ACTIVE_REQUESTS_METRIC,
  firstSourcePerInstance,
  type InferredRequest,
  inferredInFlight,
  isFresh,
  metricInFlight,
} from '../derive/inflight';
import { requestThreads } from '../derive/inflight-jvm';
import type { Store } from '../store/store';
import { type EqualizerThresholds, equalizerBuckets } from './equalizer';

export interface ActiveOptions {
  thresholds: EqualizerThresholds;
  /** Snapshots received longer ago than this are left out of the answer (and metric points, traces as old). */
  staleAfterMs: number;
}

/**
 * How far back `http.server.active_requests` points are read: a series stays fresh for two of its
 * export intervals (derive/inflight.ts), so this bounds the longest interval honoured.
 */
const METRIC_LOOKBACK_MS = 10 * 60_000;
const METRIC_POINT_LIMIT = 20_000;
/** Most traces read whole to confirm an inferred request: one store read each. */
const MAX_INFERRED_TRACES = 200;

/**
 * The equalizer of every instance (of `service`, when given) as of `now`: each instance from the
 * most precise source that saw it recently (model `ACTIVE_SOURCES` order).
 */
export async function activeAnswer(
  store: Store,
  options: ActiveOptions,
  service: string | undefined,
  now = Date.now()
): Promise<ActiveResponse> {
  const since = now - options.staleAfterMs;
  const filter = service === undefined ? {} : { service };
  const [snapshots, fromJvm, series, inferred] = await Promise.all([
    store.activeSnapshots({ ...filter, receivedSince: since }),
    jvmRequestThreads(store, options, service, now),
    store.otel.metricSeries({
      ...filter,
      names: [ACTIVE_REQUESTS_METRIC],
      from: now - METRIC_LOOKBACK_MS,
      to: now + options.staleAfterMs,
      limit: METRIC_POINT_LIMIT,
    }),
    inferredRequests(store, since, service),
  ]);
  const { thresholds } = options;
  const aged = (instance: Omit<ActiveInstance, 'buckets'>): ActiveInstance => ({
    ...instance,
    buckets: equalizerBuckets(instance.requests, thresholds),
  });
  const fromMetric = metricInFlight(series.series, now, options.staleAfterMs).map(
    ({ count, ...instance }): ActiveInstance => ({
      ...instance,
      requests: [],
      source: 'metric',
      buckets: { fast: 0, slow: 0, verySlow: 0, unknownAge: count },
    })
  );
  const fromTraces = byInstance(inferred).map(({ service, instance, requests }) =>
    aged({
      service,
      instance,
      takenAt: now,
      source: 'inferred',
      requests: requests.map((r) => ({
        endpoint: r.endpoint,
        elapsed: Math.max(0, now - r.startedBy),
        traceId: r.traceId,
      })),
    })
  );
  return {
    thresholds,
    instances: firstSourcePerInstance([
      snapshots.map((snapshot) => aged({ ...snapshot, source: 'snapshot' })),
      fromJvm,
      fromMetric,
      fromTraces,
    ]),
  };
}

/**
 * The request threads found in each store's dumps of the last answer, by dump id: a stored dump
 * never changes, and parsing a JVM's whole dump (megabytes for thousands of threads) on every
 * scrape would cost more than the rest of the answer. Holds only the newest dump of each JVM.
 */
const threadsOfDumps = new WeakMap<Store, Map<string, { service: string; threads: ActiveThread[] }>>();

/**
 * The request threads of each JVM's newest thread dump, while it is fresh (`isFresh` on the
 * receive times of its two newest dumps: the agent dumps every `--interval`). A dump without any
 * leaves the instance to the other sources.
 */
async function jvmRequestThreads(
  store: Store,
  options: ActiveOptions,
  service: string | undefined,
  now: number
): Promise<ActiveInstance[]> {
  const instances = await store.captures.jvmInstances(service);
  const known = threadsOfDumps.get(store);
  const found = new Map<string, { service: string; threads: ActiveThread[] }>();
  const answers = await Promise.all(
    instances.map(async ({ service, instance }): Promise<ActiveInstance | undefined> => {
      const [newest, previous] = await store.captures.threadDumps({ service, instance, limit: 2 });
      if (newest === undefined || !isFresh(newest.receivedAt, previous?.receivedAt, now, options.staleAfterMs)) {
        return undefined;
      }
      const threads =
        known?.get(newest.id)?.threads ?? requestThreads((await store.captures.threadDump(newest.id))?.threads ?? []);
      found.set(newest.id, { service, threads });
      if (threads.length === 0) {
        return undefined; // no frames of a known server: maybe one Osprey does not recognise, so no "0"
      }
      return {
        service,
        instance,
        takenAt: newest.takenAt,
        requests: [],
        source: 'jvm',
        buckets: { fast: 0, slow: 0, verySlow: 0, unknownAge: threads.length },
        threads,
      };
    })
  );
  // An answer of one service keeps the other services' entries: it did not look at their JVMs.
  const others = [...(known ?? [])].filter(([, entry]) => service !== undefined && entry.service !== service);
  threadsOfDumps.set(store, new Map([...others, ...found]));
  return answers.filter((answer) => answer !== undefined);
}

/**
 * Requests inferred from the unsettled spans, each confirmed on its whole stored trace: the spans
 * at hand may lack a parent that was stored before them (a straggler arriving after its trace
 * settled), and they carry no names or resources.
 */
async function inferredRequests(store: Store, since: number, service: string | undefined): Promise<InferredRequest[]> {
  const candidates = inferredInFlight(await store.unsettledSpans(since)).filter(
    (r) => service === undefined || r.service === service
  );
  const traceIds = [...new Set(candidates.map((r) => r.traceId))].slice(0, MAX_INFERRED_TRACES);
  const traces = await Promise.all(traceIds.map((id) => store.trace(id)));
  return inferredInFlight(traces.flat()).filter((r) => service === undefined || r.service === service);
}

function byInstance(requests: readonly InferredRequest[]) {
  const instances = new Map<string, { service: string; instance: string; requests: InferredRequest[] }>();
  for (const request of requests) {
    const key = `${request.service}\u0000${request.instance}`;
    const seen = instances.get(key) ?? { service: request.service, instance: request.instance, requests: [] };
    seen.requests.push(request);
    instances.set(key, seen);
  }
  return [...instances.values()];
}
