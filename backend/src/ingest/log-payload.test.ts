/**
 * Ingest-log payloads of every kind decode to what their route stores, from real bodies: OTLP
 * metrics and logs written by the OTel JS SDK's serializers, jstack and jcmd output of a real JDK
 * 17, an agent's host snapshot. The tag bytes are written by hand, so a renumbered format (which
 * would stop an older log from replaying) fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { SpanKind } from '@opentelemetry/api';
import type { HostSnapshot } from '@osprey/model';

import { jsonEntry, manifestOf, zipBundle } from '../incidents/bundle';
import { unpackBundle } from '../incidents/unpack';
import { heapHistogramUpload, threadDumpUpload, type UploadMeta } from '../jvm-api/uploads';
import { convertLogsRequest } from '../logs/convert';
import { convertMetricsRequest } from '../otel-metrics/convert';
import { sdkLogBodies, sdkMetricsBodies } from '../testing/otel-sdk';
import { sdkTrace } from '../testing/sdk-trace';
import { bundlePayload, decodePayload, hostSnapshotPayload, uploadPayload } from './log-payload';
import { decodeOtlpMessage } from './otlp/decode';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures');
const jstack = readFileSync(path.join(FIXTURES, 'jvm/jdk17/jstack-l.txt'));
const histogramText = readFileSync(path.join(FIXTURES, 'jvm/jdk17/class_histogram.txt'));
const snapshot = JSON.parse(readFileSync(path.join(FIXTURES, 'hosts/snapshot.json'), 'utf8')) as HostSnapshot;

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const record = (format: number, encoding: number, body: Uint8Array) =>
  Buffer.concat([Buffer.from([format, encoding]), body]);

describe('ingest-log payloads of OTLP metrics and logs', () => {
  it.each([
    ['metrics protobuf', 4, 'protobuf', false],
    ['metrics protobuf, gzip', 4, 'protobuf', true],
    ['metrics JSON', 5, 'json', false],
  ] as const)('%s (tag %i) decodes to the points the route stores', async (_, tag, encoding, gzip) => {
    const bodies = await sdkMetricsBodies();
    const body = Buffer.from(bodies[encoding]);
    const expected = convertMetricsRequest(decodeOtlpMessage('metrics', body, encoding === 'json')).points;
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const decoded = decodePayload(record(tag, gzip ? 1 : 0, gzip ? gzipSync(body) : body));
    expect(decoded).toEqual({ metricPoints: expected });
  });

  it.each([
    ['logs protobuf', 6, 'protobuf', false],
    ['logs JSON, gzip', 7, 'json', true],
  ] as const)('%s (tag %i) decodes to the records the route stores', (_, tag, encoding, gzip) => {
    const body = Buffer.from(sdkLogBodies(TRACE, SPAN)[encoding]);
    const expected = convertLogsRequest(decodeOtlpMessage('logs', body, encoding === 'json'));
    expect(expected.map((r) => r.traceId)).toEqual([TRACE, undefined]);
    expect(decodePayload(record(tag, gzip ? 1 : 0, gzip ? gzipSync(body) : body))).toEqual({ logRecords: expected });
  });
});

describe('ingest-log payloads of uploads', () => {
  const meta: UploadMeta = {
    id: '0193a1b2c3d4e5f6',
    service: 'shop',
    instance: 'shop-1',
    receivedAt: 1_796_598_184_670,
    contentType: 'text/plain; charset=utf-8',
  };

  it('a thread dump keeps its id, target, time and bytes, and parses to the same dump', () => {
    const bytes = uploadPayload('thread-dump', meta, jstack);
    expect(bytes[0]).toBe(8);
    const { threadDumps } = decodePayload(bytes);
    expect(threadDumps).toEqual([threadDumpUpload(meta, jstack)]);
    expect(Buffer.from(threadDumps![0].raw).equals(jstack)).toBe(true);
    expect(threadDumps![0].dump.threads.length).toBeGreaterThan(5);
  });

  it('a heap histogram likewise', () => {
    const bytes = uploadPayload('heap-histogram', meta, histogramText);
    expect(bytes[0]).toBe(9);
    const { heapHistograms } = decodePayload(bytes);
    expect(heapHistograms).toEqual([heapHistogramUpload(meta, histogramText)]);
    expect(heapHistograms![0].histogram.rows.length).toBeGreaterThan(100);
  });

  it('a host snapshot is the row the route stores', () => {
    const row = { id: meta.id, receivedAt: meta.receivedAt, snapshot };
    const bytes = hostSnapshotPayload(row);
    expect(bytes[0]).toBe(10);
    expect(decodePayload(bytes)).toEqual({ hostSnapshots: [row] });
  });

  it('refuses a tag no version wrote', () => {
    expect(() => decodePayload(record(12, 0, Buffer.from('{}')))).toThrow('unknown tag (12, 0)');
    expect(() => decodePayload(record(4, 2, Buffer.from('{}')))).toThrow('unknown tag (4, 2)');
  });
});

it('an incident bundle import is the zip, and decodes to the rows the import route stores', async () => {
  const spans = sdkTrace({
    service: 'cart',
    name: 'GET /cart',
    kind: SpanKind.SERVER,
    startMs: 0,
    endMs: 80,
    attributes: { 'http.request.method': 'GET', 'http.route': '/cart' },
    children: [{ service: 'cart', name: 'SELECT cart', kind: SpanKind.CLIENT, startMs: 10, endMs: 60 }],
  });
  const upload = {
    id: '0193a1b2c3d4e5f6a7b8c9d0',
    service: 'cart',
    instance: 'cart-1',
    receivedAt: 1,
    contentType: 'text/plain',
  };
  const entries = [
    jsonEntry('spans.json', spans),
    { path: 'threaddump.txt', body: jstack },
    jsonEntry('uploads.json', [{ kind: 'threaddump', file: 'threaddump.txt', ...upload }]),
  ];
  const incident = { id: '0193a1b2c3d4e5f6a7b8c9d1', service: 'cart', instance: 'cart-1', host: 'h', minutes: 15 };
  const zip = await zipBundle(
    manifestOf({ ...incident, createdAt: 1, status: 'ready', captures: [] }, entries),
    entries
  );
  const bytes = bundlePayload(zip);
  expect(bytes[0]).toBe(11);
  const { batch, loaded } = unpackBundle(zip);
  expect(decodePayload(bytes)).toEqual(batch);
  expect(batch.spans).toEqual(spans);
  expect(batch.threadDumps).toEqual([threadDumpUpload(upload, jstack)]);
  expect(loaded).toMatchObject({ spans: 2, traces: 1, transactions: 1, threadDumps: 1, heapHistograms: 0 });
});
