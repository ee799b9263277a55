import type { HealthReads, OtelReads } from '../store';

/** A function of an engine module taking the engine's connection first. */
type Read<C> = (connection: C, ...args: never[]) => unknown;

/** The same function with the connection given: what a Store's read group answers. */
type Bound<C, F> = F extends (connection: C, ...args: infer A) => infer R ? (...args: A) => R : never;

/** The reads of each group (store.ts), which every engine's module of that name exports. */
export const OTEL_READS = ['metricSeries', 'metricNames', 'logRecords'] as const satisfies ReadonlyArray<
  keyof OtelReads
>;
export const HEALTH_READS = [
  'instanceLatency',
  'endpointLatency',
  'instanceThroughput',
  'spanResources',
] as const satisfies ReadonlyArray<keyof HealthReads>;

/**
 * `names` of an engine module bound to its read connection, so a store hands out a group of reads
 * (store.ts: `otel`, `health`) without a forwarding method per read on each engine.
 */
export function bindReads<C, M extends Record<K, Read<C>>, K extends string>(
  connection: C,
  module: M,
  names: readonly K[]
): { [N in K]: Bound<C, M[N]> } {
  const bound: Record<string, unknown> = {};
  for (const name of names) {
    const read = module[name];
    bound[name] = (...args: never[]) => read(connection, ...args);
  }
  return bound as { [N in K]: Bound<C, M[N]> };
}
