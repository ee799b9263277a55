/**
 * The fields Grafana's built-in panels read, written down from Grafana's sources so frame tests
 * (unit and live) assert against one list: the Traces panel's TraceSpanRow as Tempo's OTLP
 * conversion fills it (public/app/plugins/datasource/tempo/resultTransformer.ts), and the Node
 * Graph's NodeGraphDataFrameFieldNames (packages/grafana-data/src/utils/nodeGraph.ts).
 */
// Type-only: the browser e2e runs in plain Node, where importing @grafana/data fails (no window).
import type { FieldType } from '@grafana/data';

type Contract = Array<[string, `${FieldType}`]>;

export const TRACE_PANEL_FIELDS: Contract = [
  ['traceID', 'string'],
  ['spanID', 'string'],
  ['parentSpanID', 'string'],
  ['operationName', 'string'],
  ['serviceName', 'string'],
  ['kind', 'string'],
  ['statusCode', 'number'],
  ['statusMessage', 'string'],
  ['serviceTags', 'other'],
  ['startTime', 'number'],
  ['duration', 'number'],
  ['logs', 'other'],
  ['tags', 'other'],
];

/** Node frame: id and title are required; the stats and arc__/detail__ prefixes are what the panel draws. */
export const NODE_PANEL_FIELDS: Contract = [
  ['id', 'string'],
  ['title', 'string'],
  ['subtitle', 'string'],
  ['mainstat', 'number'],
  ['secondarystat', 'number'],
  ['arc__success', 'number'],
  ['arc__errors', 'number'],
  ['detail__type', 'string'],
  ['detail__requests', 'number'],
  // The trace-map panel's health inputs (panels/tracemap/src/types.ts NODE_FIELDS).
  ['detail__rate', 'number'],
  ['detail__errorRatio', 'number'],
  ['detail__p95', 'number'],
  ['detail__apdex', 'number'],
  ['detail__errors', 'number'],
];

export const EDGE_PANEL_FIELDS: Contract = [
  ['id', 'string'],
  ['source', 'string'],
  ['target', 'string'],
  ['mainstat', 'number'],
  ['secondarystat', 'number'],
  ['detail__calls', 'number'],
  ['detail__errors', 'number'],
  ['detail__rate', 'number'],
  ['detail__errorRatio', 'number'],
  ['detail__p50', 'number'],
  ['detail__p95', 'number'],
  ['detail__p99', 'number'],
];
