/**
 * The fields Grafana's built-in panels read, written down from Grafana's sources so frame tests
 * (unit and live) assert against one list: the Traces panel's TraceSpanRow as Tempo's OTLP
 * conversion fills it (public/app/plugins/datasource/tempo/resultTransformer.ts), and the Node
 * Graph's NodeGraphDataFrameFieldNames (packages/grafana-data/src/utils/nodeGraph.ts).
 */
import { FieldType } from '@grafana/data';

export const TRACE_PANEL_FIELDS: Array<[string, FieldType]> = [
  ['traceID', FieldType.string],
  ['spanID', FieldType.string],
  ['parentSpanID', FieldType.string],
  ['operationName', FieldType.string],
  ['serviceName', FieldType.string],
  ['kind', FieldType.string],
  ['statusCode', FieldType.number],
  ['statusMessage', FieldType.string],
  ['serviceTags', FieldType.other],
  ['startTime', FieldType.number],
  ['duration', FieldType.number],
  ['logs', FieldType.other],
  ['tags', FieldType.other],
];

/** Node frame: id and title are required; the stats and arc__/detail__ prefixes are what the panel draws. */
export const NODE_PANEL_FIELDS: Array<[string, FieldType]> = [
  ['id', FieldType.string],
  ['title', FieldType.string],
  ['subtitle', FieldType.string],
  ['mainstat', FieldType.number],
  ['secondarystat', FieldType.number],
  ['arc__success', FieldType.number],
  ['arc__errors', FieldType.number],
  ['detail__type', FieldType.string],
  ['detail__requests', FieldType.number],
  ['detail__errors', FieldType.number],
];

export const EDGE_PANEL_FIELDS: Array<[string, FieldType]> = [
  ['id', FieldType.string],
  ['source', FieldType.string],
  ['target', FieldType.string],
  ['mainstat', FieldType.number],
  ['secondarystat', FieldType.number],
  ['detail__calls', FieldType.number],
  ['detail__errors', FieldType.number],
  ['detail__p50', FieldType.number],
  ['detail__p99', FieldType.number],
];
