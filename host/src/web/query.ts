/** Queries shaped the way Grafana's PanelQueryRunner builds them. */
import { type DataQuery, type DataQueryRequest, rangeUtil, type ScopedVars, type TimeRange } from '@grafana/data';

export interface RequestOptions {
  requestId: string;
  /** The panel's width in pixels: Grafana's max data points, and what the interval is computed from. */
  maxDataPoints: number;
  scopedVars?: ScopedVars;
}

export function queryRequest(targets: DataQuery[], range: TimeRange, options: RequestOptions): DataQueryRequest {
  const { interval, intervalMs } = rangeUtil.calculateInterval(range, options.maxDataPoints);
  return {
    app: 'dashboard',
    requestId: options.requestId,
    interval,
    intervalMs,
    maxDataPoints: options.maxDataPoints,
    range,
    scopedVars: options.scopedVars ?? {},
    targets,
    timezone: 'browser',
    startTime: Date.now(),
  };
}
