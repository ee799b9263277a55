import { OtlpValidationError } from './errors';
import { readExportTraceRequest } from './trace-reader';
import {
  encodeSpanOnly,
  len,
  outcome,
  protobufjsPath,
  request,
  sdkTraceRequests,
  spanBytes,
  tag,
} from '../../testing/otlp-trace-wire';

describe('readExportTraceRequest refuses malformed bytes as today does, with a 400-class error', () => {
  const good = Uint8Array.from(request(encodeSpanOnly()));
  const MALFORMED: Array<[string, Uint8Array]> = [
    ['a truncated varint', Uint8Array.from([0x0a, 0x80])],
    ['a length past the end', Uint8Array.from([0x0a, 0x05, 0x12, 0x00])],
    [
      'a length past its enclosing message',
      Uint8Array.from(
        len(
          1,
          len(2, [...len(2, [...encodeSpanOnly(), ...tag(5, 2), 10]), ...len(3, [...Buffer.from('0123456789abc')])])
        )
      ),
    ],
    ['wire type 6', Uint8Array.from([...tag(20, 6), 0])],
    ['wire type 7', Uint8Array.from([...tag(20, 7), 0])],
    ['an end group without its start', Uint8Array.from([...tag(20, 4)])],
    ['a group that never ends', Uint8Array.from([...tag(20, 3), ...tag(1, 0), 1])],
    ['a fixed64 cut short', request(spanBytes([...tag(7, 1), 1, 2, 3]))],
    ['text', Buffer.from('this is not protobuf at all, just text')],
  ];

  it.each(MALFORMED)('%s', (_name, body) => {
    expect(() => protobufjsPath(body)).toThrow(OtlpValidationError);
    expect(() => readExportTraceRequest(body)).toThrow(OtlpValidationError);
    expect(() => readExportTraceRequest(body)).toThrow(/^body is not a protobuf ExportTraceServiceRequest: /);
  });

  // Where protobufjs reads on regardless, the reader refuses: a known field whose wire type is not
  // its declared one (protobufjs decodes by field number alone) and a varint past 10 bytes.
  it('refuses a field sent with the wrong wire type', () => {
    const body = request(spanBytes([...tag(7, 0), 5]));
    expect(() => readExportTraceRequest(body)).toThrow(/field 7 has wire type 0, expected 1/);
  });

  it('refuses a varint longer than 10 bytes', () => {
    const body = request(spanBytes([...tag(99, 0), ...new Array(10).fill(0x80), 0x01]));
    expect(() => readExportTraceRequest(body)).toThrow(/varint longer than 10 bytes/);
  });

  // The reasons are worded differently (protobufjs: "index out of range: 1 + 1 > 1"); the outcome
  // is the same: the same Spans where the cut falls between messages, a refusal everywhere else.
  it('agrees with today on every truncation of real requests', () => {
    const sdk = sdkTraceRequests()[1];
    const cases: Array<[Uint8Array, number]> = [
      [good, 1],
      [sdk.subarray(0, 600), 1],
      [sdk, 61],
    ];
    for (const [body, step] of cases) {
      for (let cut = 0; cut <= body.length; cut += step) {
        const mine = outcome(readExportTraceRequest, body.subarray(0, cut));
        const today = outcome(protobufjsPath, body.subarray(0, cut));
        expect('error' in mine ? 'refused' : mine).toStrictEqual('error' in today ? 'refused' : today);
      }
    }
  });

  // Seeded random byte changes to real requests: wherever both paths accept, the same Spans; the
  // reader never accepts what protobufjs refused; it refuses a few that protobufjs read on
  // regardless (a wrong wire type, a sub-message overrun), always with an OtlpValidationError.
  it('agrees with today on 1,500 randomly damaged requests', () => {
    const bases = [Uint8Array.from(request(encodeSpanOnly())), sdkTraceRequests()[0].subarray(0, 3000)];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const seen = { same: 0, bothRefused: 0, onlyReaderRefused: 0 };
    for (let n = 0; n < 1500; n++) {
      const body = Buffer.from(bases[n % bases.length]);
      for (let changes = 1 + Math.floor(random() * 3); changes > 0; changes--) {
        body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
      }
      const mine = outcome(readExportTraceRequest, body);
      const today = outcome(protobufjsPath, body);
      if ('error' in today) {
        expect(mine).toHaveProperty('error');
        seen.bothRefused++;
      } else if ('error' in mine) {
        seen.onlyReaderRefused++;
      } else {
        expect(mine).toStrictEqual(today);
        seen.same++;
      }
    }
    expect(seen.same).toBeGreaterThan(100);
    expect(seen.onlyReaderRefused).toBeLessThan(seen.bothRefused / 10);
  });
});
