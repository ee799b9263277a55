import type { MetricSeries, Span } from '@osprey/model';

import { instanceOf, isEntry, nanosToMillis, spanKey } from './transactions';

/** The semantic conventions' in-flight HTTP server requests: an UpDownCounter per instance and attribute set. */
export const ACTIVE_REQUESTS_METRIC = 'http.server.active_requests';

/** One instance's in-flight count from its `http.server.active_requests` series. */
export interface MetricInFlight {
  service: string;
  instance: string;
  /** Epoch ms of the newest fresh point. */
  takenAt: number;
  count: number;
}

/**
 * A periodic report seen at `newest` (epoch ms), the one before it at `previous`, still tells what
 * runs now: younger than `staleAfterMs`, or than two of its own intervals when they are longer (a
 * sender reporting every minute must not blink out between two reports).
 */
export function isFresh(newest: number, previous: number | undefined, now: number, staleAfterMs: number): boolean {
  const interval = previous === undefined ? 0 : newest - previous;
  return newest >= now - Math.max(staleAfterMs, 2 * interval);
}

/**
 * Per instance, the sum over its attribute sets (method, scheme, server address and port) of each
 * fresh series' newest value (`isFresh`: the SDK's default export interval is 60 s). The counter is
 * cumulative (the SDKs keep UpDownCounters cumulative whatever the temporality preference), so
 * its newest value is the count now; a negative one (a restart mid-request) counts as none.
 */
export function metricInFlight(series: readonly MetricSeries[], now: number, staleAfterMs: number): MetricInFlight[] {
  const byInstance = new Map<string, MetricInFlight>();
  for (const s of series) {
    if (s.name !== ACTIVE_REQUESTS_METRIC || s.points.length === 0) {
      continue;
    }
    const points = [...s.points].sort((a, b) => a.time - b.time);
    const newest = points[points.length - 1];
    if (!isFresh(newest.time, points[points.length - 2]?.time, now, staleAfterMs)) {
      continue;
    }
    const key = `${s.service}\u0000${s.instance}`;
    const seen = byInstance.get(key) ?? { service: s.service, instance: s.instance, takenAt: newest.time, count: 0 };
    seen.takenAt = Math.max(seen.takenAt, newest.time);
    seen.count += Math.max(0, Math.round(newest.value));
    byInstance.set(key, seen);
  }
  return [...byInstance.values()];
}

/** A request inferred from its children: its entry span has not arrived. */
export interface InferredRequest {
  traceId: string;
  service: string;
  instance: string;
  /** The name of its earliest arrived span: the entry span's own name is not known yet. */
  endpoint: string;
  /** Epoch ms of that span's start, the latest the request can have started. */
  startedBy: number;
}

/**
 * Requests in flight as far as the spans show: OTel exports a span when it ends, so a span whose
 * parent has not arrived (and is not an entry itself: those begin a request of their own) is the
 * child of a span still running, in a request still running in the child's service. One request
 * per trace and service (a request's children may hang off several running spans), started no
 * later than its earliest such child. A parent that never comes (dropped, sampled apart) looks
 * the same: the caller bounds how long a trace counts by the recency of its arrivals.
 */
export function inferredInFlight(spans: readonly Span[]): InferredRequest[] {
  const arrived = new Set(spans.map((span) => spanKey(span.traceId, span.spanId)));
  const byRequest = new Map<string, { span: Span; start: bigint }>();
  for (const span of spans) {
    if (isEntry(span) || arrived.has(spanKey(span.traceId, span.parentSpanId!))) {
      continue;
    }
    const key = `${span.traceId}\u0000${span.service}`;
    const start = BigInt(span.startTimeUnixNano);
    const earliest = byRequest.get(key);
    if (earliest === undefined || start < earliest.start) {
      byRequest.set(key, { span, start });
    }
  }
  return [...byRequest.values()].map(({ span, start }) => ({
    traceId: span.traceId,
    service: span.service,
    instance: instanceOf(span.resource),
    endpoint: span.name,
    startedBy: nanosToMillis(start),
  }));
}

/** What a source saw of one instance. */
export interface InstanceKey {
  service: string;
  instance: string;
}

/**
 * Each instance once, from the first list (in the order given, most precise first) that has it:
 * two sources seeing the same requests must not count them twice. By service, then instance.
 */
export function firstSourcePerInstance<T extends InstanceKey>(lists: ReadonlyArray<readonly T[]>): T[] {
  const chosen = new Map<string, T>();
  for (const list of lists) {
    for (const item of list) {
      const key = `${item.service}\u0000${item.instance}`;
      if (!chosen.has(key)) {
        chosen.set(key, item);
      }
    }
  }
  // Code-unit order, as the stores' ORDER BY service, instance gives it.
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...chosen.values()].sort((a, b) => order(a.service, b.service) || order(a.instance, b.instance));
}
