import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import { RED_METRICS, type RedMetric, type RedResponse, type RedSeries } from '@osprey/model';

import { onStepGrid } from './frames';
import { bandFields } from './red-band';

const RED_FIELDS: Record<RedMetric, { label: string; unit: string }> = {
  rate: { label: 'rate', unit: 'reqps' },
  errorPercent: { label: 'errors', unit: 'percent' },
  p50: { label: 'p50', unit: 'ms' },
  p90: { label: 'p90', unit: 'ms' },
  p95: { label: 'p95', unit: 'ms' },
  p99: { label: 'p99', unit: 'ms' },
  apdex: { label: 'Apdex', unit: 'none' },
};

/** "orders", "orders shop-1" or "orders GET /orders": how a RED group is named in legends. */
export function groupName(series: RedSeries): string {
  return [series.service, series.instance, series.endpoint].filter(Boolean).join(' ');
}

interface RedRow {
  time: number;
  rate: number;
  errorPercent: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  apdex: number | null;
}

/**
 * A series' points on the full step grid of [from, to): steps without transactions become rate 0 and
 * error 0 % (nothing happened) with no latency, so graphs do not draw lines across idle periods.
 */
export function fillSteps(series: RedSeries, from: number, to: number, step: number): RedRow[] {
  const rows = series.points.map((p): RedRow => ({
    time: p.time,
    rate: p.rate,
    errorPercent: p.errorRatio * 100,
    p50: p.p50,
    p90: p.p90,
    p95: p.p95,
    p99: p.p99,
    apdex: p.apdex ?? null,
  }));
  return onStepGrid(rows, { from, to, step }, (time) => ({
    time,
    rate: 0,
    errorPercent: 0,
    p50: null,
    p90: null,
    p95: null,
    p99: null,
    apdex: null,
  }));
}

/** RED answer → one wide time-series frame per group, labelled with the group's service/instance/endpoint. */
export function redToFrames(
  refId: string,
  res: RedResponse,
  range: { from: number; to: number },
  metrics: readonly RedMetric[] = RED_METRICS,
  band = false
): DataFrame[] {
  const chosen = metrics.length > 0 ? metrics : RED_METRICS;
  return res.series.map((series) => {
    const rows = fillSteps(series, range.from, range.to, res.step);
    const labels: Record<string, string> = { service: series.service };
    if (series.instance !== undefined) {
      labels.instance = series.instance;
    }
    if (series.endpoint !== undefined) {
      labels.endpoint = series.endpoint;
    }
    const name = groupName(series);
    const times = rows.map((r) => r.time);
    return createDataFrame({
      refId,
      name,
      meta: { custom: { step: res.step, tier: res.tier } },
      fields: [
        { name: 'time', type: FieldType.time, values: rows.map((r) => r.time), config: { interval: res.step } },
        ...chosen.flatMap((metric) => {
          const { unit, label } = RED_FIELDS[metric];
          const displayName = `${label} ${name}`;
          return [
            {
              name: metric,
              type: FieldType.number,
              labels,
              values: rows.map((r) => r[metric]),
              config: { unit, displayNameFromDS: displayName },
            },
            ...(band ? bandFields(series, times, metric, { labels, unit, displayName }) : []),
          ];
        }),
      ],
    });
  });
}
