import Long from 'long';

import { readExportTraceRequest } from './trace-reader';
import {
  ExportTraceServiceRequest,
  type Outcome,
  SPAN_ID,
  TRACE_ID,
  bytes,
  deep,
  encode,
  encodeSpanOnly,
  kv,
  len,
  outcome,
  protobufjsPath,
  request,
  sdkTraceRequests,
  span,
  spanBytes,
  tag,
} from '../../testing/otlp-trace-wire';

/** Both paths on the same bytes: the same Spans, or the same validation error. */
function expectSameAsToday(body: Uint8Array): Outcome {
  const today = outcome(protobufjsPath, body);
  expect(outcome(readExportTraceRequest, body)).toStrictEqual(today);
  return today;
}

/** Hand-built requests, each encoded by protobufjs (the cases the SDK never writes, too). */
const HAND_BUILT: Array<[string, Uint8Array]> = [
  ['empty request', new Uint8Array(0)],
  ['resourceSpans without resource or scopes', ExportTraceServiceRequest.encode({ resourceSpans: [{}] }).finish()],
  ['no resource: unknown_service', encode([span()], null)],
  ['resource without service.name', encode([span()], { attributes: [kv('host.name', { stringValue: 'h' })] })],
  ['empty service.name', encode([span()], { attributes: [kv('service.name', { stringValue: '' })] })],
  ['non-string service.name', encode([span()], { attributes: [kv('service.name', { intValue: 7 })] })],
  [
    'every AnyValue type, nested',
    encode([
      span({
        attributes: [
          kv('s', { stringValue: '' }),
          kv('b', { boolValue: false }),
          kv('i.max', { intValue: Long.MAX_VALUE }),
          kv('i.min', { intValue: Long.MIN_VALUE }),
          kv('i.safe', { intValue: Long.fromNumber(Number.MAX_SAFE_INTEGER) }),
          kv('i.unsafe', { intValue: Long.fromNumber(Number.MAX_SAFE_INTEGER).add(1) }),
          kv('i.neg', { intValue: -1 }),
          kv('d', { doubleValue: -0.125 }),
          kv('d.nan', { doubleValue: NaN }),
          kv('d.inf', { doubleValue: -Infinity }),
          kv('bytes', { bytesValue: bytes('00ff10') }),
          kv('bytes.empty', { bytesValue: new Uint8Array(0) }),
          kv('empty', {}),
          kv('absent', null),
          kv('arr', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }, {}, { arrayValue: {} }] } }),
          kv('kv', {
            kvlistValue: { values: [kv('inner', { kvlistValue: { values: [kv('x', { boolValue: true })] } })] },
          }),
          kv('kv.empty', { kvlistValue: {} }),
          kv('dup', { stringValue: 'first' }),
          kv('dup', { stringValue: 'second' }),
          kv('__proto__', { stringValue: 'not a prototype' }),
          kv('deep.31', deep(31)),
        ],
      }),
    ]),
  ],
  ['attributes nested 33 deep', encode([span({ attributes: [kv('deep', deep(33))] })])],
  [
    'attribute without key',
    encode([span({ attributes: [kv('ok', { stringValue: 'v' }), { value: { stringValue: 'v' } }] })]),
  ],
  [
    'kvlist entry without key',
    encode([span({ attributes: [kv('kv', { kvlistValue: { values: [{ value: { intValue: 1 } }] } })] })]),
  ],
  ['status codes 0..2 and a message', encode([0, 1, 2].map((code) => span({ status: { code, message: `m${code}` } })))],
  ['empty status', encode([span({ status: {} })])],
  ['status code 3', encode([span(), span({ status: { code: 3 } })])],
  ['negative span kind', encode([span({ kind: -1 })])],
  ['every span kind', encode([0, 1, 2, 3, 4, 5].map((kind) => span({ kind })))],
  ['span kind 6', encode([span({ kind: 6 })])],
  ['missing trace id', encode([span({ traceId: undefined })])],
  ['empty trace id', encode([span({ traceId: new Uint8Array(0) })])],
  ['short trace id', encode([span({ traceId: bytes('0102') })])],
  ['all-zero span id', encode([span({ spanId: new Uint8Array(8) })])],
  ['all-zero parent', encode([span({ parentSpanId: new Uint8Array(8) })])],
  ['empty parent', encode([span({ parentSpanId: new Uint8Array(0) })])],
  ['parent', encode([span({ parentSpanId: bytes('0000000000000001') })])],
  ['no name', encode([span({ name: undefined })])],
  ['missing start', encode([span({ startTimeUnixNano: undefined })])],
  ['end before start', encode([span({ endTimeUnixNano: Long.fromString('1763800000023456789', true) })])],
  [
    'uint64 extremes',
    encode([span({ startTimeUnixNano: Long.fromNumber(1, true), endTimeUnixNano: Long.MAX_UNSIGNED_VALUE })]),
  ],
  [
    'events with attributes, links dropped',
    encode([
      span({
        events: [
          { name: 'e1', timeUnixNano: Long.fromNumber(5, true), attributes: [kv('k', { intValue: 1 })] },
          {},
          { attributes: [kv('arr', { arrayValue: { values: [{ doubleValue: 1.5 }] } })] },
        ],
        links: [{ traceId: TRACE_ID, spanId: SPAN_ID, attributes: [kv('l', { stringValue: 'x' })] }],
        droppedAttributesCount: 3,
        traceState: 'a=b',
      }),
    ]),
  ],
  ['resource attribute without key', encode([span()], { attributes: [kv('service.name', { stringValue: 'x' }), {}] })],
  ['event attribute nested 33 deep', encode([span({ events: [{ name: 'e', attributes: [kv('deep', deep(33))] }] })])],
  ['event attribute without key', encode([span({ events: [{ name: 'e', attributes: [{}] }] })])],
  [
    'invalid UTF-8 in names and values',
    (() => {
      const body = Buffer.from(
        encode([span({ name: 'N\u00e9', attributes: [kv('k\u00e9', { stringValue: 'v\u00e9' })] })])
      );
      // é is c3 a9; a lone c3 followed by a non-continuation byte is not UTF-8.
      return Buffer.from(body.toString('hex').replace(/c3a9/g, 'c341'), 'hex');
    })(),
  ],
  [
    'several resources and scopes',
    ExportTraceServiceRequest.encode({
      resourceSpans: [
        { resource: { attributes: [kv('service.name', { stringValue: 'a' })] }, scopeSpans: [{ spans: [span()] }, {}] },
        {
          resource: { attributes: [kv('service.name', { stringValue: 'b' })] },
          scopeSpans: [{ scope: { name: 's', version: '1' }, spans: [span(), span({ name: 'two' })] }],
        },
      ],
    }).finish(),
  ],
];

const RAW: Array<[string, Uint8Array]> = [
  ['the SDK-shaped span re-wrapped', request(encodeSpanOnly())],
  [
    'unknown varint, fixed32, fixed64 and length fields',
    request(
      spanBytes([
        ...tag(99, 0),
        0x96,
        0x01,
        ...tag(98, 5),
        1,
        2,
        3,
        4,
        ...tag(97, 1),
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        ...len(96, [1, 2, 3]),
      ])
    ),
  ],
  [
    'an unknown group with nested fields',
    request(
      spanBytes([...tag(50, 3), ...tag(1, 0), 5, ...tag(2, 3), ...tag(1, 5), 1, 2, 3, 4, ...tag(2, 4), ...tag(50, 4)])
    ),
  ],
  ['unknown fields at the top', Uint8Array.from([...tag(7, 0), 1, ...request(encodeSpanOnly()), ...len(9, [0xff])])],
  ['a repeated name: the last one wins', request(spanBytes(len(5, [...Buffer.from('renamed')])))],
  ['a repeated kind', request(spanBytes([...tag(6, 0), 3]))],
  [
    'a repeated status: the last one wins',
    request(spanBytes([...len(15, [...tag(3, 0), 2]), ...len(15, [...tag(3, 0), 1])])),
  ],
  [
    'attributes split around other fields',
    request([
      ...len(9, [...len(1, [0x61]), ...len(2, [...tag(3, 0), 1])]),
      ...encodeSpanOnly(),
      ...len(9, [...len(1, [0x62]), ...len(2, [...tag(2, 0), 1])]),
    ]),
  ],
  [
    'two oneof members: the first declared wins',
    request(spanBytes(len(9, [...len(1, [0x6b]), ...len(2, [...tag(3, 0), 5, ...len(1, [0x73])])]))),
  ],
  [
    'a bool of 2^32 (protobufjs reads its low 32 bits)',
    request(spanBytes(len(9, [...len(1, [0x6b]), ...len(2, [...tag(2, 0), 0x80, 0x80, 0x80, 0x80, 0x10])]))),
  ],
  [
    'the resource after its scopeSpans',
    request(encodeSpanOnly(), len(1, len(1, [...len(1, [...Buffer.from('service.name')]), ...len(2, len(1, [0x7a]))]))),
  ],
  [
    'two resources: the last one wins',
    request(encodeSpanOnly(), [
      ...len(1, []),
      ...len(1, len(1, [...len(1, [...Buffer.from('service.name')]), ...len(2, len(1, [0x7a]))])),
    ]),
  ],
  [
    'a 10-byte negative kind',
    request(spanBytes([...tag(6, 0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
  ],
];

describe('readExportTraceRequest gives the Spans protobufjs decode + convert give', () => {
  it.each(sdkTraceRequests().map((body, i) => [`real SDK batch ${i}`, body]))('%s', (_name, body) => {
    const today = expectSameAsToday(body);
    expect((today as { spans: unknown[] }).spans.length).toBeGreaterThan(50);
  });

  it.each(HAND_BUILT)('%s', (_name, body) => {
    expectSameAsToday(body);
  });

  it.each(RAW)('%s', (_name, body) => {
    expectSameAsToday(body);
  });

  it('hands out one string per repeated key, name and service of a request', () => {
    const spans = readExportTraceRequest(sdkTraceRequests()[0]);
    const first = spans.find((s) => s.kind === 'server')!;
    const other = spans.filter((s) => s.kind === 'server')[1];
    const [keyA] = Object.keys(first.attributes);
    const [keyB] = Object.keys(other.attributes);
    expect(keyA).toBe(keyB);
    expect(first.name).toBe(other.name);
  });
});
