/** OTLP signals: metrics by name, runtime series by semantic-convention names, log records. */
import { RUNTIME_SERIES } from '@osprey/model';
import { forkJoin, map, of } from 'rxjs';

import { logsToFrame, metricSeriesToFrames } from '../otel-frames';
import { fanOut, type QueryContext, type QueryHandler } from './context';

function seriesOf(names: readonly string[], q: Parameters<QueryHandler>[0], { client, from, to }: QueryContext) {
  if (names.length === 0) {
    return of([]);
  }
  return forkJoin(
    fanOut(q, ['service', 'instance']).map((filters) =>
      client
        .otelMetrics({ from, to, names: [...names], ...filters })
        .pipe(map((res) => metricSeriesToFrames(q.refId, res.series)))
    )
  ).pipe(map((frames) => frames.flat()));
}

/** Any metric by name: `metricNames`, comma-separated. */
export const otelMetrics: QueryHandler = (q, context) =>
  seriesOf(
    (q.metricNames ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    q,
    context
  );

/** A runtime series (heap, GC, CPU, …): whichever of its semantic-convention names the service sends. */
export const runtime: QueryHandler = (q, context) => seriesOf(RUNTIME_SERIES[q.runtimeSeries ?? 'heap'], q, context);

/** Log records of the range, by service, instance, trace, text and severity: one logs frame per service/instance. */
export const logs: QueryHandler = (q, { client, ref, from, to }) =>
  forkJoin(
    fanOut(q, ['service', 'instance']).map((filters) =>
      client
        .logs({
          from,
          to,
          ...filters,
          traceId: q.traceId,
          search: q.search,
          minSeverity: q.minSeverity,
          limit: q.limit,
        })
        .pipe(map((res) => logsToFrame(q.refId, res, ref)))
    )
  );
