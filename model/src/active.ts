import { type Static, Type } from '@sinclair/typebox';

import { Filter } from './api';
import { Count, EpochMs, HexId, Millis, NonEmpty, Strict, StringEnum } from './schema';

/**
 * What is in flight now (Scouter's active-service view): the snapshots agents post, the equalizer's
 * age buckets, and the answer of `GET /api/v1/active`, one entry per instance from its freshest source.
 */

/** One in-flight request of an instance, as its agent saw it. */
export const ActiveRequestSchema = Strict({
  endpoint: NonEmpty(),
  /** How long it has been running when the snapshot was taken, ms. */
  elapsed: Millis(),
  traceId: Type.Optional(HexId(32)),
  threadName: Type.Optional(Type.String()),
  userId: Type.Optional(Type.String()),
});
export type ActiveRequest = Static<typeof ActiveRequestSchema>;

/** Body of `POST /api/v1/active`: every request in flight on one instance at `takenAt`. */
export const ActiveSnapshotSchema = Strict({
  service: NonEmpty(),
  instance: NonEmpty(),
  takenAt: EpochMs(),
  requests: Type.Array(ActiveRequestSchema),
});
export type ActiveSnapshot = Static<typeof ActiveSnapshotSchema>;

/** Scouter's active-service equalizer: in-flight counts by age. */
export const ActiveBucketsSchema = Type.Object({
  /** elapsed < thresholds.slow */
  fast: Count(),
  /** thresholds.slow ≤ elapsed < thresholds.verySlow */
  slow: Count(),
  /** elapsed ≥ thresholds.verySlow */
  verySlow: Count(),
  /** In flight at an age nobody reported: the counts of OTLP `http.server.active_requests` (source `metric`). */
  unknownAge: Count(),
});
export type ActiveBuckets = Static<typeof ActiveBucketsSchema>;

/**
 * Where an instance's in-flight requests were seen: `snapshot` posted to `POST /api/v1/active`
 * (by @osprey/otel-active or a native agent: every request with its age), `metric` the newest
 * OTLP `http.server.active_requests` of the instance (a count, no ages), `inferred` traces whose
 * child spans arrived while their entry span has not (ages are lower bounds), `jvm` request
 * threads in the instance's newest thread dump.
 */
export const ACTIVE_SOURCES = ['snapshot', 'jvm', 'metric', 'inferred'] as const;
export type ActiveSource = (typeof ACTIVE_SOURCES)[number];

export const ActiveQuerySchema = Strict({ service: Filter('service name') });

/** A thread of a JVM thread dump busy with a request: a server's request-handling frames are on its stack. */
export const ActiveThreadSchema = Type.Object({
  name: Type.String(),
  state: Type.String(),
  /** The innermost frame, as the dump printed it: where the request is now. */
  stackTop: Type.String(),
  /** Whose frames gave it away: `servlet`, `jetty`, `netty` or `jdk-httpserver`. */
  server: Type.String(),
});
export type ActiveThread = Static<typeof ActiveThreadSchema>;

/**
 * One instance's in-flight requests from one source. `takenAt` is when that source saw them (the
 * snapshot's time, the metric point's or the dump's, the query's for inferred ones); `requests` is
 * empty for `metric` and `jvm`, whose counts are all in `buckets.unknownAge`.
 */
export const ActiveInstanceSchema = Type.Composite([
  ActiveSnapshotSchema,
  Type.Object({
    source: StringEnum(ACTIVE_SOURCES),
    buckets: ActiveBucketsSchema,
    /** Source `jvm`: the request threads of the dump (Scouter's active-service stack view); their count is in `unknownAge`. */
    threads: Type.Optional(Type.Array(ActiveThreadSchema)),
  }),
]);
export type ActiveInstance = Static<typeof ActiveInstanceSchema>;

/**
 * `GET /api/v1/active?service=`: each instance once, from the first of `ACTIVE_SOURCES` that has a
 * fresh answer for it (an instance seen by two sources would otherwise count its requests twice).
 */
export const ActiveResponseSchema = Type.Object({
  /** Bucket edges, ms (defaults 3000 and 8000). */
  thresholds: Type.Object({ slow: Type.Number(), verySlow: Type.Number() }),
  instances: Type.Array(ActiveInstanceSchema),
});
export type ActiveResponse = Static<typeof ActiveResponseSchema>;
