import { createDataFrame, FieldType, type DataFrame, type DataLink } from '@grafana/data';
import type { AttributeValue, Span, Trace, Transaction } from '@osprey/model';

export interface DatasourceRef {
  uid: string;
  type: string;
}

/** Data link from a transaction to its trace: Explore on the same datasource with a trace query. */
export function traceLink(ds: DatasourceRef): DataLink {
  return {
    title: 'Open trace',
    url: '',
    internal: {
      datasourceUid: ds.uid,
      datasourceName: '',
      query: { refId: 'A', queryType: 'trace', traceId: '${__value.raw}', datasource: ds },
    },
  };
}

/** Transactions → the XLOG frame (field names and order are contract 2). */
export function transactionsToFrame(refId: string, transactions: Transaction[], ds: DatasourceRef): DataFrame {
  const column = <K extends keyof Transaction>(key: K) => transactions.map((t) => t[key]);
  return createDataFrame({
    refId,
    name: 'transactions',
    fields: [
      { name: 'endTime', type: FieldType.time, values: column('endTime') },
      { name: 'elapsed', type: FieldType.number, values: column('elapsed'), config: { unit: 'ms' } },
      { name: 'service', type: FieldType.string, values: column('service') },
      { name: 'instance', type: FieldType.string, values: column('instance') },
      { name: 'endpoint', type: FieldType.string, values: column('endpoint') },
      { name: 'status', type: FieldType.string, values: column('status') },
      { name: 'httpStatus', type: FieldType.number, values: transactions.map((t) => t.httpStatus ?? null) },
      { name: 'traceId', type: FieldType.string, values: column('traceId'), config: { links: [traceLink(ds)] } },
      { name: 'spanId', type: FieldType.string, values: column('spanId') },
      { name: 'sqlCount', type: FieldType.number, values: column('sqlCount') },
      { name: 'sqlTime', type: FieldType.number, values: column('sqlTime'), config: { unit: 'ms' } },
      { name: 'apiCallCount', type: FieldType.number, values: column('apiCallCount') },
      { name: 'apiCallTime', type: FieldType.number, values: column('apiCallTime'), config: { unit: 'ms' } },
    ],
  });
}

/** Epoch nanoseconds (decimal string) → epoch milliseconds, keeping microseconds. */
export function nanosToMillis(nanos: string): number {
  const n = BigInt(nanos);
  return Number(n / 1000n) / 1000;
}

const toTags = (attrs: Record<string, AttributeValue>) => Object.entries(attrs).map(([key, value]) => ({ key, value }));

/** A trace in the shape Grafana's Traces panel reads (field names from Grafana's trace data model). */
export function traceToFrame(refId: string, trace: Trace): DataFrame {
  const column = <T>(f: (s: Span) => T) => trace.spans.map(f);
  return createDataFrame({
    refId,
    name: `trace ${trace.traceId}`,
    meta: { preferredVisualisationType: 'trace' },
    fields: [
      { name: 'traceID', type: FieldType.string, values: column((s) => s.traceId) },
      { name: 'spanID', type: FieldType.string, values: column((s) => s.spanId) },
      { name: 'parentSpanID', type: FieldType.string, values: column((s) => s.parentSpanId ?? null) },
      { name: 'operationName', type: FieldType.string, values: column((s) => s.name) },
      { name: 'serviceName', type: FieldType.string, values: column((s) => s.service) },
      { name: 'serviceTags', type: FieldType.other, values: column((s) => toTags(s.resource)) },
      { name: 'startTime', type: FieldType.number, values: column((s) => nanosToMillis(s.startTimeUnixNano)) },
      { name: 'duration', type: FieldType.number, values: column((s) => nanosToMillis(s.durationNano)) },
      { name: 'tags', type: FieldType.other, values: column((s) => toTags(s.attributes)) },
      { name: 'kind', type: FieldType.string, values: column((s) => s.kind) },
      {
        name: 'statusCode',
        type: FieldType.number,
        values: column((s) => (s.status === 'error' ? 2 : s.status === 'ok' ? 1 : 0)),
      },
    ],
  });
}
