/**
 * Helpers of the store comparison tests (store-conformance, clickhouse-shards): read routes to
 * compare (JSON and the Arrow window), float-order-tolerant comparison, waiting for settling.
 */
import { ARROW_STREAM_MEDIA_TYPE, type ServiceMapResponse, WINDOW_METADATA } from '@osprey/model';
import { DataType, tableFromIPC } from 'apache-arrow';

import { type Backend, TOKENS } from './osprey-cli';
import { waitFor } from './real-servers';
import type { Workload } from './workload/store-workload';

/** A GET with the read token; throws with the answer on a non-200 status. */
export async function read(backend: Backend, pathAndQuery: string, accept?: string): Promise<Response> {
  const res = await fetch(`${backend.url}${pathAndQuery}`, {
    headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}`, ...(accept ? { accept } : {}) },
  });
  if (res.status !== 200) {
    throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  }
  return res;
}

export async function get<T>(backend: Backend, pathAndQuery: string, accept?: string): Promise<T> {
  return (await (await read(backend, pathAndQuery, accept)).json()) as T;
}

/**
 * The Arrow window answer of `pathAndQuery` laid out for comparison: fields with their types,
 * the metadata, each dictionary in its order, the rows as value arrays — sorted unless truncated,
 * since a window that fits comes in each store's storage order.
 */
export async function getWindow(backend: Backend, pathAndQuery: string) {
  const res = await read(backend, pathAndQuery, ARROW_STREAM_MEDIA_TYPE);
  if (res.headers.get('content-type') !== ARROW_STREAM_MEDIA_TYPE) {
    throw new Error(`GET ${pathAndQuery}: ${res.headers.get('content-type')}, not Arrow: ${await res.text()}`);
  }
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  const fields = table.schema.fields;
  const truncated = table.schema.metadata.get(WINDOW_METADATA.truncated);
  const rows = table.toArray().map((row: Record<string, unknown>) => fields.map((field) => row[field.name]));
  return {
    fields: fields.map((field) => `${field.name}: ${field.type}${field.nullable ? ' | null' : ''}`),
    truncated,
    matched: Number(table.schema.metadata.get(WINDOW_METADATA.matched)),
    dictionaries: Object.fromEntries(
      fields
        .filter((field) => DataType.isDictionary(field.type))
        .map((field) => [field.name, [...(table.getChild(field.name)!.data[0].dictionary ?? [])]])
    ),
    rows: truncated === 'true' ? rows : rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  };
}

/**
 * Non-integers to 12 significant digits: sums and interpolations come out of the two databases in
 * a different order of float operations (13.399 vs 13.399000000000001); anything larger is a real difference.
 */
export function roundFloats(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value : Number(value.toPrecision(12));
  }
  if (Array.isArray(value)) {
    return value.map(roundFloats);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundFloats(inner)]));
  }
  return value;
}

/** Every edge call counted by settled traces. */
export async function settledCalls(backend: Backend, workload: Workload): Promise<number> {
  const map = await get<ServiceMapResponse>(backend, `/api/v1/servicemap?from=${workload.from}&to=${workload.to}`);
  return map.edges.reduce((sum, edge) => sum + edge.calls, 0);
}

/** Waits until every call of the workload is counted in `backend`'s service map. */
export function waitSettled(backend: Backend, workload: Workload, name: string): Promise<boolean> {
  return waitFor(
    `all ${workload.calls} calls settled on ${name}`,
    async () => {
      const calls = await settledCalls(backend, workload);
      if (calls !== workload.calls) {
        throw new Error(`${calls} so far`);
      }
      return true;
    },
    30_000
  );
}

/** Rows of a truncated window case. */
export const WINDOW_CASE_LIMIT = 5;

/**
 * The Arrow window routes compared, with what each answers: all the workload, part of it, or the
 * newest WINDOW_CASE_LIMIT of all (truncated). `columns=` picks fields; the box is an XLOG
 * drag-selection (an elapsed range).
 */
export function windowCases(workload: Workload): Array<[string, string, 'all' | 'part' | 'newest']> {
  const window = `/api/v1/transactions?from=${workload.from}&to=${workload.to}`;
  const dots = 'columns=endTime,elapsed,status,service';
  return [
    ['all columns', `${window}&limit=1000`, 'all'],
    ['the dot columns', `${window}&limit=1000&${dots}`, 'all'],
    [
      'a box of elapsed times, one service',
      `${window}&limit=1000&minElapsed=30&maxElapsed=90&service=frontend`,
      'part',
    ],
    ['a box of elapsed times', `${window}&limit=1000&minElapsed=30&maxElapsed=90&columns=endTime,elapsed,kind`, 'part'],
    ['truncated: the newest rows, in order', `${window}&limit=${WINDOW_CASE_LIMIT}&${dots},traceId`, 'newest'],
  ];
}

/** The read routes compared, with the workload window. */
export function conformanceCases(workload: Workload): Array<[string, string]> {
  const window = `from=${workload.from}&to=${workload.to}`;
  return [
    ['services', '/api/v1/services'],
    ['transactions, rows', `/api/v1/transactions?${window}&limit=1000`],
    [
      'transactions of one service and endpoint',
      `/api/v1/transactions?${window}&service=frontend&endpoint=GET%20%2Fcheckout`,
    ],
    ['transactions, errors only, min elapsed', `/api/v1/transactions?${window}&errorsOnly=true&minElapsed=30`],
    ['transactions, truncated rows', `/api/v1/transactions?${window}&limit=5`],
    ['transactions, density', `/api/v1/transactions?${window}&mode=density&timeBuckets=40&elapsedBuckets=12`],
    ['transactions, auto past the limit', `/api/v1/transactions?${window}&mode=auto&limit=10`],
    ['trace, first', `/api/v1/traces/${workload.traceIds[0]}`],
    ['trace, failed payment', `/api/v1/traces/${workload.traceIds[4]}`],
    ['trace, browse', `/api/v1/traces/${workload.traceIds[2]}`],
    ['RED raw by service', `/api/v1/metrics/red?${window}&step=10000&groupBy=service`],
    [
      'RED raw by endpoint of one service',
      `/api/v1/metrics/red?${window}&step=30000&groupBy=endpoint&service=frontend`,
    ],
    ['RED rollup by instance', `/api/v1/metrics/red?${window}&step=60000&groupBy=instance`],
    ['RED raw by endpoint with Apdex at 60 ms', `/api/v1/metrics/red?${window}&step=30000&groupBy=endpoint&apdexT=60`],
    ['RED rollup by service with Apdex at 40 ms', `/api/v1/metrics/red?${window}&step=60000&groupBy=service&apdexT=40`],
    ['RED rollup, 2-minute step by endpoint', `/api/v1/metrics/red?${window}&step=120000&groupBy=endpoint`],
    ['instances', '/api/v1/instances'],
    ['endpoints of cart', '/api/v1/endpoints?service=cart'],
    ['service map', `/api/v1/servicemap?${window}`],
    ['service map with Apdex at 60 ms', `/api/v1/servicemap?${window}&apdexT=60`],
    ['SQL statistics by total time', `/api/v1/statistics/sql?${window}`],
    ['SQL statistics by count, top 2', `/api/v1/statistics/sql?${window}&sort=count&limit=2`],
    ['SQL statistics by p95 of one service', `/api/v1/statistics/sql?${window}&sort=p95&service=cart`],
    ['SQL statistics by errors of one endpoint', `/api/v1/statistics/sql?${window}&sort=errors&endpoint=POST%20%2Fpay`],
    ['SQL statistics of one instance', `/api/v1/statistics/sql?${window}&instance=catalog-1`],
    ['errors by type', `/api/v1/statistics/errors?${window}`],
    ['summary by endpoint', `/api/v1/statistics/summary?${window}`],
    [
      'summary by service, Apdex T 60 ms, worst first',
      `/api/v1/statistics/summary?${window}&groupBy=service&apdexT=60&sort=apdex`,
    ],
    [
      'summary by instance of one service, top 1 by p95',
      `/api/v1/statistics/summary?${window}&groupBy=instance&service=cart&sort=p95&limit=1`,
    ],
    [
      'errors by type of one endpoint, 10 s steps',
      `/api/v1/statistics/errors?${window}&endpoint=POST%20%2Fpay&step=10000`,
    ],
    ['active services', '/api/v1/active'],
    ['active services of one service', '/api/v1/active?service=cart'],
  ];
}
