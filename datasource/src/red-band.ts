import { FieldType, type FieldConfig } from '@grafana/data';
import type { RedBandMetric, RedMetric, RedSeries } from '@osprey/model';

/** The drawn RED metrics the backend's `band=true` has a band of, and the point fields it is in. */
const BANDS: Partial<Record<RedMetric, { metric: RedBandMetric; scale: number }>> = {
  rate: { metric: 'rate', scale: 1 },
  errorPercent: { metric: 'errorRatio', scale: 100 },
  p95: { metric: 'p95', scale: 1 },
};

/**
 * A metric's band as two fields beside it, `<metric>Lower` and `<metric>Upper`, the way Grafana's
 * time series draws a band: the upper line filled down to the lower one (`fillBelowTo`, which names
 * the other field by its display name), both without a line or a legend entry of their own. Steps
 * without a band (no transactions, too little history) are null: a gap, not a band at 0.
 */
export function bandFields(
  series: RedSeries,
  times: readonly number[],
  metric: RedMetric,
  field: { labels: Record<string, string>; unit: string; displayName: string }
) {
  const band = BANDS[metric];
  if (band === undefined) {
    return [];
  }
  const byTime = new Map(series.points.map((p) => [p.time, p]));
  const values = (side: 'Lower' | 'Upper') =>
    times.map((time) => {
      const value = byTime.get(time)?.[`${band.metric}${side}`];
      return value === undefined ? null : value * band.scale;
    });
  const lowerName = `${field.displayName} lower`;
  const custom = (extra: Record<string, unknown>): FieldConfig => ({
    unit: field.unit,
    custom: { lineWidth: 0, hideFrom: { legend: true, tooltip: false, viz: false }, ...extra },
  });
  return [
    {
      name: `${metric}Lower`,
      type: FieldType.number,
      labels: field.labels,
      values: values('Lower'),
      config: { ...custom({ fillOpacity: 0 }), displayNameFromDS: lowerName },
    },
    {
      name: `${metric}Upper`,
      type: FieldType.number,
      labels: field.labels,
      values: values('Upper'),
      config: {
        ...custom({ fillOpacity: 20, fillBelowTo: lowerName }),
        displayNameFromDS: `${field.displayName} upper`,
      },
    },
  ];
}
