/** OTLP metric series and log records → the frames Grafana's time-series and Logs panels read. */
import { createDataFrame, type DataFrame, type DataLink, FieldType } from '@grafana/data';
import { LOG_FRAME_FIELDS, type LogsResponse, type MetricSeries, severityLevel } from '@osprey/model';

import { type DatasourceRef, exploreLink, traceLink } from './frames';

/** The labels a series is told apart by in a legend: its resource and its attribute set. */
function seriesLabels(series: MetricSeries): Record<string, string> {
  const labels: Record<string, string> = { service: series.service, instance: series.instance };
  for (const [key, value] of Object.entries(series.attributes)) {
    labels[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return labels;
}

/** Grafana unit ids for the UCUM units semantic conventions use. */
const UNITS: Record<string, string> = { By: 'bytes', s: 's', ms: 'ms', '1': 'percentunit', '%': 'percent' };

/** One time-series frame per series (wide: time + value), named by the metric, labelled by resource and attributes. */
export function metricSeriesToFrames(refId: string, series: readonly MetricSeries[]): DataFrame[] {
  return series.map((s) =>
    createDataFrame({
      refId,
      name: s.name,
      meta: { custom: { kind: s.kind } },
      fields: [
        { name: 'time', type: FieldType.time, values: s.points.map((p) => p.time) },
        {
          name: s.kind === 'histogram' || s.kind === 'exponential_histogram' ? `${s.name} (mean)` : s.name,
          type: FieldType.number,
          values: s.points.map((p) => p.value),
          labels: seriesLabels(s),
          config: UNITS[s.unit] === undefined ? {} : { unit: UNITS[s.unit] },
        },
      ],
    })
  );
}

/** Data link from a transaction (its trace id and service) to the logs of that transaction's trace in its service. */
export function transactionLogsLink(ds: DatasourceRef): DataLink {
  return exploreLink('Logs of this transaction', ds, {
    queryType: 'logs',
    traceId: '${__value.raw}',
    service: '${__data.fields.service}',
  });
}

const F = LOG_FRAME_FIELDS;

/**
 * Log records → a Grafana logs frame (the logs data plane Loki and Tempo emit: `meta.type`
 * `log-lines`, fields timestamp, body, severity, id, labels), so the Logs panel and Explore show it;
 * the trace id field links to the trace.
 */
export function logsToFrame(refId: string, answer: LogsResponse, ds: DatasourceRef): DataFrame {
  const rows = answer.logs;
  return createDataFrame({
    refId,
    name: 'logs',
    meta: {
      type: 'log-lines' as never,
      typeVersion: [0, 0],
      preferredVisualisationType: 'logs',
      custom: { truncated: answer.truncated },
    },
    fields: [
      { name: F.timestamp, type: FieldType.time, values: rows.map((r) => r.time) },
      { name: F.body, type: FieldType.string, values: rows.map((r) => r.body) },
      {
        name: F.severity,
        type: FieldType.string,
        values: rows.map((r) => (r.severityNumber > 0 ? severityLevel(r.severityNumber) : r.severityText)),
      },
      { name: F.id, type: FieldType.string, values: rows.map((r) => r.id) },
      {
        name: F.labels,
        type: FieldType.other,
        values: rows.map((r) => ({ service: r.service, instance: r.instance, ...stringAttributes(r.attributes) })),
      },
      {
        name: F.traceId,
        type: FieldType.string,
        values: rows.map((r) => r.traceId ?? ''),
        config: { links: [traceLink(ds)] },
      },
      { name: F.spanId, type: FieldType.string, values: rows.map((r) => r.spanId ?? '') },
    ],
  });
}

function stringAttributes(attributes: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])
  );
}
