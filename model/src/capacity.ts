/**
 * Capacity by Little's law: requests in flight L = throughput λ × mean response time W, so at a
 * concurrency limit (thread or connection pool) the most an instance can serve is limit / W.
 */

export const CAPACITY_API_PATH = '/api/v1/health/capacity';

/** Tomcat's default maxThreads: the limit assumed when the query names none. */
export const DEFAULT_CONCURRENCY_LIMIT = 200;

export interface CapacityQuery {
  from: number;
  to: number;
  service?: string;
  concurrencyLimit?: number;
}

export interface CapacityRow {
  service: string;
  instance: string;
  requests: number;
  /** λ, requests per second over the window. */
  throughput: number;
  /** W, ms. */
  meanResponseMs: number;
  /** L = λ × W: requests in flight on average. */
  concurrency: number;
  /** In flight in the instance's newest non-stale active-service snapshot (the equalizer); absent without one. */
  measuredConcurrency?: number;
  /** limit / W, requests per second; null when W is 0 (no bound to project). */
  maxThroughput: number | null;
  /** throughput / maxThroughput, percent; null with it. */
  utilisationPercent: number | null;
}

export interface CapacityResponse {
  from: number;
  to: number;
  concurrencyLimit: number;
  /** By service, then instance. */
  instances: CapacityRow[];
}

/** The capacity table frame the datasource makes (one row per instance, fields as CapacityRow). */
export const CAPACITY_FRAME = 'capacity';
