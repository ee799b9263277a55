/**
 * What the host page reports back to the suites about a query's answer: summaries of its frames
 * (rows, fields, services, statuses, trace ids) and the time ranges the queries run over.
 */
import { DataFrame, dateTime, Field, FieldType, TimeRange } from '@grafana/data';

/** One packet of a streaming query: its summary, loading state and how many rows repeat a span id. */
export interface PacketSummary extends QuerySummary {
  state?: string;
  duplicateRows: number;
}

export interface LiveRun {
  /** Each packet: rows across its frames, window-answer bytes received since the packet before. */
  packets: Array<{ rows: number; bytes: number; error?: string }>;
  frameGapsMs: number[];
  /** Dots the panel holds at the end. */
  dots: number;
  /** Start of the query's range, epoch ms. */
  from: number;
}

export interface QuerySummary {
  frames: number;
  refId?: string;
  fields: Array<{ name: string; type: string; unit?: string }>;
  rows: number;
  services: string[];
  statusCounts: Record<string, number>;
  /** Distinct trace ids: XLOG rows' `traceId`, a trace frame's `traceID`. */
  traceIds: string[];
  error?: string;
}

/** A field's values as text: an enum field's codes through its enum names, like Grafana's display. */
function textValues(field: Field | undefined): string[] {
  if (!field) {
    return [];
  }
  const values = Array.from(field.values as ArrayLike<unknown>);
  const names = field.config.type?.enum?.text;
  return field.type === FieldType.enum && names ? values.map((code) => names[Number(code)]) : values.map(String);
}

/** One column across every frame of an answer (a live XLOG answer is a frame per poll). */
export function columnText(series: DataFrame[], name: string): string[] {
  return series.flatMap((frame) => textValues(frame.fields.find((f) => f.name === name)));
}

export function summarise(series: DataFrame[], error?: string): QuerySummary {
  const first = series[0];
  const statusCounts: Record<string, number> = {};
  for (const status of columnText(series, 'status')) {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
  }
  return {
    frames: series.length,
    refId: first?.refId,
    fields: first?.fields.map((f) => ({ name: f.name, type: f.type, unit: f.config.unit })) ?? [],
    rows: series.reduce((sum, frame) => sum + frame.length, 0),
    services: [...new Set(columnText(series, 'service'))].sort(),
    statusCounts,
    traceIds: [...new Set([...columnText(series, 'traceId'), ...columnText(series, 'traceID')])],
    error,
  };
}

export function fixedRange(from: number, to: number): TimeRange {
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
}

/** The dashboard range "last `minutes` minutes", ending now. */
export function lastMinutes(minutes: number): TimeRange {
  const to = dateTime();
  return { from: dateTime(to).subtract(minutes, 'minutes'), to, raw: { from: `now-${minutes}m`, to: 'now' } };
}
